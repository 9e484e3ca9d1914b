-- Staff accounts and sessions, initiators' management tokens, co-organisers, photos, the
-- e-mail outbox, and messages between staff and initiators.

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE CHECK (username GLOB '[a-z0-9]*' AND length(username) BETWEEN 2 AND 40
                                            AND username NOT GLOB '*[^a-z0-9._-]*'),
  display_name  TEXT NOT NULL DEFAULT '',
  email         TEXT NOT NULL DEFAULT '',
  role          TEXT NOT NULL CHECK (role IN ('wijkregisseur', 'admin')),
  password_hash TEXT NOT NULL,             -- argon2id (libsodium crypto_pwhash_str)
  disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at    TEXT NOT NULL DEFAULT (datetime('now'))
) STRICT;

-- The areas a wijkregisseur looks after (a wijk or dorp covers its buurten).
CREATE TABLE user_areas (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  area_id INTEGER NOT NULL REFERENCES areas(id),
  PRIMARY KEY (user_id, area_id)
) STRICT;

CREATE TABLE sessions (
  token_hash BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,   -- unix time
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions(user_id);

-- Photos, re-encoded by the server (so no EXIF or GPS data is ever kept), served as JPEG.
CREATE TABLE photos (
  id         INTEGER PRIMARY KEY,
  jpeg       BLOB NOT NULL,
  width      INTEGER NOT NULL,
  height     INTEGER NOT NULL,
  created_at TEXT NOT NULL DEFAULT (datetime('now'))
) STRICT;

-- The initiator's private management link: only its hash is kept.
ALTER TABLE initiatives ADD COLUMN manage_token_hash BLOB;
CREATE UNIQUE INDEX initiatives_manage_token ON initiatives(manage_token_hash)
  WHERE manage_token_hash IS NOT NULL;
ALTER TABLE initiatives ADD COLUMN photo_id INTEGER REFERENCES photos(id);
ALTER TABLE initiatives ADD COLUMN reminder_sent INTEGER NOT NULL DEFAULT 0;

-- Co-organisers from other addresses: names and house addresses, private.
CREATE TABLE co_organisers (
  id            INTEGER PRIMARY KEY,
  initiative_id INTEGER NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
  name          TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  postcode      TEXT NOT NULL,
  house_number  TEXT NOT NULL
) STRICT;

ALTER TABLE initiative_updates ADD COLUMN photo_id INTEGER REFERENCES photos(id);

-- Messages between the wijkregisseur and the initiator (change requests and answers).
CREATE TABLE initiative_messages (
  id            INTEGER PRIMARY KEY,
  initiative_id INTEGER NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
  author_role   TEXT NOT NULL CHECK (author_role IN ('initiatiefnemer', 'wijkregisseur', 'gemeente')),
  author_name   TEXT NOT NULL,
  body          TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
  created_at    TEXT NOT NULL DEFAULT (datetime('now'))
) STRICT;
CREATE INDEX initiative_messages_initiative ON initiative_messages(initiative_id, id);

-- E-mail waits here until the sendmail command took it; nothing is lost while mail is down.
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  created_at      INTEGER NOT NULL,       -- unix time
  to_addr         TEXT NOT NULL,
  subject         TEXT NOT NULL,
  body            TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  sent_at         INTEGER,
  last_error      TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE sent_at IS NULL;
