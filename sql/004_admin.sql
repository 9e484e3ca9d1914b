-- Uploads waiting for confirmation, and issuance output kept for download (encrypted with the
-- key outside the database, so the database alone never reveals a voucher code).
CREATE TABLE pending_imports (
  id         INTEGER PRIMARY KEY,
  data       BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL
) STRICT;

CREATE TABLE issued_files (
  id         INTEGER PRIMARY KEY,
  round_id   INTEGER NOT NULL REFERENCES rounds(id),
  kind       TEXT NOT NULL CHECK (kind IN ('csv', 'html')),
  title      TEXT NOT NULL,
  nonce      BLOB NOT NULL,
  data       BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL
) STRICT;
