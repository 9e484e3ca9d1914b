-- Core schema: settings, areas, initiatives with budget lines and updates, news, audit log.
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

-- Wijken and dorpen are top-level areas; a buurt belongs to one of them.
CREATE TABLE areas (
  id             INTEGER PRIMARY KEY,
  parent_id      INTEGER REFERENCES areas(id),
  kind           TEXT NOT NULL CHECK (kind IN ('wijk', 'dorp', 'buurt')),
  slug           TEXT NOT NULL UNIQUE CHECK (slug GLOB '[a-z0-9]*' AND slug NOT GLOB '*[^a-z0-9-]*'),
  name           TEXT NOT NULL,
  description    TEXT NOT NULL DEFAULT '',
  venue_name     TEXT NOT NULL DEFAULT '',   -- wijkaccommodatie
  venue_address  TEXT NOT NULL DEFAULT '',
  director_name  TEXT NOT NULL DEFAULT '',   -- wijkregisseur, public contact
  director_email TEXT NOT NULL DEFAULT '',
  director_phone TEXT NOT NULL DEFAULT '',
  CHECK ((kind = 'buurt') = (parent_id IS NOT NULL))
) STRICT;

CREATE TABLE initiatives (
  id              INTEGER PRIMARY KEY,
  area_id         INTEGER REFERENCES areas(id),      -- NULL: gemeentebreed (city-wide)
  title           TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 120),
  summary         TEXT NOT NULL CHECK (length(summary) <= 300),
  description     TEXT NOT NULL CHECK (length(description) <= 10000),
  target_cents    INTEGER NOT NULL CHECK (target_cents > 0),
  raised_cents    INTEGER NOT NULL DEFAULT 0 CHECK (raised_cents >= 0),  -- cached ledger total
  voucher_count   INTEGER NOT NULL DEFAULT 0 CHECK (voucher_count >= 0), -- cached
  planned_date    TEXT,                -- YYYY-MM-DD, local date
  deadline        TEXT,                -- UTC 'YYYY-MM-DD HH:MM:SS': donations close
  photo           TEXT,                -- static path, or NULL
  initiator_name  TEXT NOT NULL,
  initiator_email TEXT NOT NULL,       -- private
  initiator_phone TEXT NOT NULL DEFAULT '', -- private
  co_organisers   INTEGER NOT NULL DEFAULT 0 CHECK (co_organisers >= 0),
  state           TEXT NOT NULL DEFAULT 'ingediend' CHECK (state IN
                    ('ingediend', 'wijziging_gevraagd', 'open', 'gefinancierd', 'uitgevoerd',
                     'afgewezen', 'ingetrokken', 'niet_gehaald')),
  state_reason    TEXT NOT NULL DEFAULT '',  -- rejection reason, completion report
  created_at      TEXT NOT NULL DEFAULT (datetime('now')),
  published_at    TEXT,
  updated_at      TEXT NOT NULL DEFAULT (datetime('now'))
) STRICT;
CREATE INDEX initiatives_area_state ON initiatives(area_id, state);
CREATE INDEX initiatives_state ON initiatives(state, published_at);

CREATE TABLE budget_lines (
  id            INTEGER PRIMARY KEY,
  initiative_id INTEGER NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
  position      INTEGER NOT NULL,
  item          TEXT NOT NULL CHECK (length(item) BETWEEN 1 AND 200),
  amount_cents  INTEGER NOT NULL CHECK (amount_cents > 0),
  UNIQUE (initiative_id, position)
) STRICT;

-- Updates on an initiative's page, from its initiator or the wijkregisseur.
CREATE TABLE initiative_updates (
  id            INTEGER PRIMARY KEY,
  initiative_id INTEGER NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
  author_role   TEXT NOT NULL CHECK (author_role IN ('initiatiefnemer', 'wijkregisseur', 'gemeente')),
  author_name   TEXT NOT NULL,
  body          TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
  created_at    TEXT NOT NULL DEFAULT (datetime('now'))
) STRICT;
CREATE INDEX initiative_updates_initiative ON initiative_updates(initiative_id, created_at);

CREATE TABLE news (
  id           INTEGER PRIMARY KEY,
  area_id      INTEGER REFERENCES areas(id),   -- NULL: city-wide
  title        TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 150),
  body         TEXT NOT NULL CHECK (length(body) <= 20000),
  author_name  TEXT NOT NULL,
  published    INTEGER NOT NULL DEFAULT 1 CHECK (published IN (0, 1)),
  created_at   TEXT NOT NULL DEFAULT (datetime('now')),
  published_at TEXT
) STRICT;
CREATE INDEX news_published ON news(published, published_at);

-- Who changed what, when, from what to what, and why.
CREATE TABLE audit_log (
  id         INTEGER PRIMARY KEY,
  at         TEXT NOT NULL DEFAULT (datetime('now')),
  actor      TEXT NOT NULL,        -- 'system', 'cli', a staff username, 'initiatiefnemer'
  action     TEXT NOT NULL,
  subject    TEXT NOT NULL DEFAULT '',  -- e.g. 'initiative:12'
  from_value TEXT NOT NULL DEFAULT '',
  to_value   TEXT NOT NULL DEFAULT '',
  reason     TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- Full-text search over public initiative text (external content, kept in step by triggers).
CREATE VIRTUAL TABLE initiatives_fts USING fts5(
  title, summary, description, content = 'initiatives', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER initiatives_fts_insert AFTER INSERT ON initiatives BEGIN
  INSERT INTO initiatives_fts(rowid, title, summary, description)
  VALUES (new.id, new.title, new.summary, new.description);
END;
CREATE TRIGGER initiatives_fts_delete AFTER DELETE ON initiatives BEGIN
  INSERT INTO initiatives_fts(initiatives_fts, rowid, title, summary, description)
  VALUES ('delete', old.id, old.title, old.summary, old.description);
END;
CREATE TRIGGER initiatives_fts_update AFTER UPDATE OF title, summary, description ON initiatives BEGIN
  INSERT INTO initiatives_fts(initiatives_fts, rowid, title, summary, description)
  VALUES ('delete', old.id, old.title, old.summary, old.description);
  INSERT INTO initiatives_fts(rowid, title, summary, description)
  VALUES (new.id, new.title, new.summary, new.description);
END;
