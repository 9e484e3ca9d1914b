-- Lent or sponsored materials ("Ik kan iets lenen"): a resident or partner offers to lend or give
-- what one budget line pays for. The initiator accepts or declines it (management link); an
-- accepted offer covers its line, which lowers the amount still to raise by the line's amount.
-- The people are for the initiator only and are erased with the initiator's contact details.

-- What accepted offers cover, kept by the trigger below in the transaction that accepts one:
-- the amount still to raise is target_cents - covered_cents, read without a join.
ALTER TABLE initiatives ADD COLUMN covered_cents INTEGER NOT NULL DEFAULT 0
  CHECK (covered_cents >= 0);

CREATE TABLE offers (
  id             INTEGER PRIMARY KEY,
  initiative_id  INTEGER NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
  budget_line_id INTEGER NOT NULL REFERENCES budget_lines(id) ON DELETE CASCADE,
  created_at     TEXT NOT NULL,                      -- UTC 'YYYY-MM-DD HH:MM:SS'
  first_name     TEXT NOT NULL CHECK (length(first_name) <= 60),   -- private; '' once erased
  email          TEXT NOT NULL CHECK (length(email) <= 254),       -- private; '' once erased
  kind           TEXT NOT NULL CHECK (kind IN ('lenen', 'geven')),
  message        TEXT NOT NULL DEFAULT '' CHECK (length(message) <= 300), -- private
  state          TEXT NOT NULL DEFAULT 'offered'
                 CHECK (state IN ('offered', 'accepted', 'declined')),
  decided_at     TEXT,                               -- UTC, when accepted or declined
  -- When accepted: the highest ledger id at that moment, so that `verify` knows which
  -- donations came before the line was covered and which after.
  ledger_seq     INTEGER
) STRICT;
CREATE INDEX offers_initiative ON offers(initiative_id, state);
-- A budget line is covered by at most one accepted offer.
CREATE UNIQUE INDEX offers_one_accepted ON offers(budget_line_id) WHERE state = 'accepted';

-- An offer is decided once: accepted or declined stays so.
CREATE TRIGGER offers_decided_once BEFORE UPDATE OF state ON offers
WHEN old.state <> 'offered' AND new.state IS NOT old.state
BEGIN
  SELECT RAISE(ABORT, 'an offer is decided once');
END;

-- Accepting covers the line: the initiative's covered amount grows by the line's amount.
CREATE TRIGGER offers_accepted AFTER UPDATE OF state ON offers
WHEN new.state = 'accepted' AND old.state = 'offered'
BEGIN
  UPDATE initiatives SET covered_cents = covered_cents +
    (SELECT amount_cents FROM budget_lines WHERE id = new.budget_line_id)
  WHERE id = new.initiative_id;
END;
