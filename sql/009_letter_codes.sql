-- The issuance output is no longer kept rendered (≈ 9 KB a letter): a new kind 'codes' holds
-- only what renders the letters again, one line "household_id voucher_id CODE" a letter
-- (encrypted like the files before it), and `letters` counts them. The CSV, the printable
-- letters and the PDF are made from it on download. Rows stored before stay downloadable.
CREATE TABLE issued_files_new (
  id         INTEGER PRIMARY KEY,
  round_id   INTEGER NOT NULL REFERENCES rounds(id),
  kind       TEXT NOT NULL CHECK (kind IN ('csv', 'html', 'codes')),
  title      TEXT NOT NULL,
  nonce      BLOB NOT NULL,
  data       BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  letters    INTEGER NOT NULL DEFAULT 0 CHECK (letters >= 0)
) STRICT;
INSERT INTO issued_files_new(id, round_id, kind, title, nonce, data, created_at, created_by)
  SELECT id, round_id, kind, title, nonce, data, created_at, created_by FROM issued_files;
DROP TABLE issued_files;
ALTER TABLE issued_files_new RENAME TO issued_files;
CREATE INDEX issued_files_round ON issued_files(round_id);
