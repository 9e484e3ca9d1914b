-- Taking part beyond the voucher: residents who offer to help, and questions relayed to the
-- initiator. The public sees only counts; the people are for the initiator (management link)
-- and are erased with the initiator's own contact details (housekeeping).
ALTER TABLE initiatives ADD COLUMN help_wanted INTEGER NOT NULL DEFAULT 0
  CHECK (help_wanted IN (0, 1));
ALTER TABLE initiatives ADD COLUMN help_text TEXT NOT NULL DEFAULT ''
  CHECK (length(help_text) <= 200);                  -- public: "Hulp gezocht: …"
ALTER TABLE initiatives ADD COLUMN questions_open INTEGER NOT NULL DEFAULT 1
  CHECK (questions_open IN (0, 1));

CREATE TABLE volunteers (
  id            INTEGER PRIMARY KEY,
  initiative_id INTEGER NOT NULL REFERENCES initiatives(id),
  created_at    TEXT NOT NULL,                       -- UTC 'YYYY-MM-DD HH:MM:SS'
  first_name    TEXT NOT NULL CHECK (length(first_name) <= 60),   -- private; '' once erased
  email         TEXT NOT NULL CHECK (length(email) <= 254),       -- private; '' once erased
  message       TEXT NOT NULL DEFAULT '' CHECK (length(message) <= 300) -- private
) STRICT;
CREATE INDEX volunteers_initiative ON volunteers(initiative_id);

-- A question keeps no person and no text: the message itself lives only in the outbox until
-- it is sent. The row is what staff count.
CREATE TABLE questions (
  id            INTEGER PRIMARY KEY,
  initiative_id INTEGER NOT NULL REFERENCES initiatives(id),
  created_at    TEXT NOT NULL
) STRICT;
CREATE INDEX questions_initiative ON questions(initiative_id);

-- A relayed message answers to the person who wrote it ("Name <address>"); '' for none. Once
-- sent, the body and this address of such a message are scrubbed.
ALTER TABLE outbox ADD COLUMN reply_to TEXT NOT NULL DEFAULT '';
