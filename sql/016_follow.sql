-- Following an initiative or an area by e-mail, without an account. A follower is an e-mail
-- address and what it follows, nothing else; the row goes when they unsubscribe, and an
-- unconfirmed one after seven days (housekeeping). Tokens are kept only as hashes.
CREATE TABLE follows (
  id             INTEGER PRIMARY KEY,
  email          TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
  initiative_id  INTEGER REFERENCES initiatives(id),
  area_id        INTEGER REFERENCES areas(id),
  frequency      TEXT NOT NULL CHECK (frequency IN ('direct', 'dag', 'week')),
  created_at     TEXT NOT NULL,                 -- UTC 'YYYY-MM-DD HH:MM:SS'
  confirmed_at   TEXT,                          -- NULL until the confirmation link was used
  -- A pending request (the first, or a change of frequency): the hash of its link and the
  -- frequency it asks for; NULL when none is pending.
  confirm_hash   BLOB UNIQUE,
  requested_at   TEXT,
  requested_frequency TEXT CHECK (requested_frequency IN ('direct', 'dag', 'week')),
  last_digest_at TEXT,                          -- when the last digest went (or confirmed_at)
  CHECK ((initiative_id IS NULL) <> (area_id IS NULL))
) STRICT;
CREATE UNIQUE INDEX follows_one ON follows(email, coalesce(initiative_id, 0), coalesce(area_id, 0));
CREATE INDEX follows_initiative ON follows(initiative_id) WHERE initiative_id IS NOT NULL;
CREATE INDEX follows_area ON follows(area_id) WHERE area_id IS NOT NULL;

-- Every message to a follower carries an unsubscribe link of its own; a link is its hash
-- here. They go with the follow.
CREATE TABLE follow_tokens (
  id         INTEGER PRIMARY KEY,
  follow_id  INTEGER NOT NULL REFERENCES follows(id) ON DELETE CASCADE,
  hash       BLOB NOT NULL UNIQUE,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX follow_tokens_follow ON follow_tokens(follow_id);

-- What a daily or weekly digest will list; emptied when it is sent.
CREATE TABLE follow_events (
  id         INTEGER PRIMARY KEY,
  follow_id  INTEGER NOT NULL REFERENCES follows(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  headline   TEXT NOT NULL,
  path       TEXT NOT NULL                      -- '/initiatieven/5', '/berichten/3'
) STRICT;
CREATE INDEX follow_events_follow ON follow_events(follow_id);

-- Counts per day for the dashboard, never people.
CREATE TABLE follow_stats (
  day          TEXT PRIMARY KEY,                -- 'YYYY-MM-DD' (UTC)
  confirmed    INTEGER NOT NULL DEFAULT 0,
  unsubscribed INTEGER NOT NULL DEFAULT 0
) STRICT;

-- A message to a follower: the unsubscribe URL for its List-Unsubscribe header; '' for other
-- messages, and emptied (with the link in the body) once it was sent.
ALTER TABLE outbox ADD COLUMN list_unsubscribe TEXT NOT NULL DEFAULT '';
