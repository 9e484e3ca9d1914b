-- The fingerprint of the key file this database works with: a keyed hash of a fixed text, never
-- the key itself. Every command that loads a key compares it, so a wrong or second key file is
-- refused at start instead of turning every printed voucher code into an unknown one.
CREATE TABLE key_fingerprint (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  fingerprint BLOB NOT NULL CHECK (length(fingerprint) = 32),
  recorded_at TEXT NOT NULL
) STRICT;
