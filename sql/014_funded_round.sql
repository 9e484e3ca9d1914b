-- Which initiatives a round's figures and the transparency page count, kept with the state
-- changes, so that neither looks through the audit log per initiative per round: the same
-- transaction that publishes an initiative, moves it out of 'open' or funds it (its audit row)
-- updates these (the triggers below), and `verify` recomputes both from the initiatives, the
-- rounds and the audit log.

-- The initiatives open for donations at some moment of a round: published before the round
-- closed and not moved out of 'open' before it opened (by the audit log). With the round's
-- donations (round_initiatives, 007) these are the initiatives that took part in it.
CREATE TABLE round_open_initiatives (
  round_id      INTEGER NOT NULL,
  initiative_id INTEGER NOT NULL,
  PRIMARY KEY (round_id, initiative_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX round_open_initiatives_initiative ON round_open_initiatives(initiative_id);

-- The initiatives that turned 'gefinancierd' during a round (the audit row's time between the
-- round's opening and closing), once per round.
CREATE TABLE round_funded (
  round_id      INTEGER NOT NULL,
  initiative_id INTEGER NOT NULL,
  PRIMARY KEY (round_id, initiative_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX round_funded_initiative ON round_funded(initiative_id);

-- An initiative published (or its publication moved or withdrawn): its rounds anew.
CREATE TRIGGER round_open_initiative_insert AFTER INSERT ON initiatives
WHEN new.published_at IS NOT NULL
BEGIN
  INSERT OR IGNORE INTO round_open_initiatives(round_id, initiative_id)
  SELECT r.id, new.id FROM rounds r WHERE new.published_at < r.closes_at
  AND NOT EXISTS (SELECT 1 FROM audit_log al WHERE al.subject = 'initiative:' || new.id
    AND al.action = 'state' AND al.from_value = 'open' AND al.at < r.opens_at);
END;
CREATE TRIGGER round_open_initiative_publish AFTER UPDATE OF published_at ON initiatives
WHEN old.published_at IS NOT new.published_at
BEGIN
  DELETE FROM round_open_initiatives WHERE initiative_id = new.id;
  INSERT OR IGNORE INTO round_open_initiatives(round_id, initiative_id)
  SELECT r.id, new.id FROM rounds r WHERE new.published_at IS NOT NULL
  AND new.published_at < r.closes_at
  AND NOT EXISTS (SELECT 1 FROM audit_log al WHERE al.subject = 'initiative:' || new.id
    AND al.action = 'state' AND al.from_value = 'open' AND al.at < r.opens_at);
END;
CREATE TRIGGER round_lists_initiative_delete AFTER DELETE ON initiatives
BEGIN
  DELETE FROM round_open_initiatives WHERE initiative_id = old.id;
  DELETE FROM round_funded WHERE initiative_id = old.id;
END;

-- A move out of 'open' ends the initiative's part in the rounds that opened after it.
CREATE TRIGGER round_open_initiative_leave AFTER INSERT ON audit_log
WHEN new.action = 'state' AND new.from_value = 'open' AND new.subject GLOB 'initiative:*'
BEGIN
  DELETE FROM round_open_initiatives
  WHERE initiative_id = CAST(substr(new.subject, 12) AS INTEGER)
  AND round_id IN (SELECT id FROM rounds WHERE opens_at > new.at);
END;
-- Funded: in the round whose time it falls in, if any.
CREATE TRIGGER round_funded_insert AFTER INSERT ON audit_log
WHEN new.action = 'state' AND new.to_value = 'gefinancierd' AND new.subject GLOB 'initiative:*'
BEGIN
  INSERT OR IGNORE INTO round_funded(round_id, initiative_id)
  SELECT r.id, CAST(substr(new.subject, 12) AS INTEGER) FROM rounds r
  WHERE new.at >= r.opens_at AND new.at < r.closes_at;
END;

-- A round added or moved: its initiatives anew.
CREATE TRIGGER round_lists_round_insert AFTER INSERT ON rounds
BEGIN
  INSERT OR IGNORE INTO round_open_initiatives(round_id, initiative_id)
  SELECT new.id, i.id FROM initiatives i
  WHERE i.published_at IS NOT NULL AND i.published_at < new.closes_at
  AND NOT EXISTS (SELECT 1 FROM audit_log al WHERE al.subject = 'initiative:' || i.id
    AND al.action = 'state' AND al.from_value = 'open' AND al.at < new.opens_at);
  INSERT OR IGNORE INTO round_funded(round_id, initiative_id)
  SELECT new.id, CAST(substr(al.subject, 12) AS INTEGER) FROM audit_log al
  WHERE al.action = 'state' AND al.to_value = 'gefinancierd' AND al.at >= new.opens_at
  AND al.at < new.closes_at AND al.subject GLOB 'initiative:*';
END;
CREATE TRIGGER round_lists_round_move AFTER UPDATE OF opens_at, closes_at ON rounds
BEGIN
  DELETE FROM round_open_initiatives WHERE round_id = new.id;
  DELETE FROM round_funded WHERE round_id = new.id;
  INSERT OR IGNORE INTO round_open_initiatives(round_id, initiative_id)
  SELECT new.id, i.id FROM initiatives i
  WHERE i.published_at IS NOT NULL AND i.published_at < new.closes_at
  AND NOT EXISTS (SELECT 1 FROM audit_log al WHERE al.subject = 'initiative:' || i.id
    AND al.action = 'state' AND al.from_value = 'open' AND al.at < new.opens_at);
  INSERT OR IGNORE INTO round_funded(round_id, initiative_id)
  SELECT new.id, CAST(substr(al.subject, 12) AS INTEGER) FROM audit_log al
  WHERE al.action = 'state' AND al.to_value = 'gefinancierd' AND al.at >= new.opens_at
  AND al.at < new.closes_at AND al.subject GLOB 'initiative:*';
END;
CREATE TRIGGER round_lists_round_delete AFTER DELETE ON rounds
BEGIN
  DELETE FROM round_open_initiatives WHERE round_id = old.id;
  DELETE FROM round_funded WHERE round_id = old.id;
END;

-- The summaries of the data already there.
INSERT INTO round_open_initiatives(round_id, initiative_id)
SELECT r.id, i.id FROM rounds r JOIN initiatives i
ON i.published_at IS NOT NULL AND i.published_at < r.closes_at
WHERE NOT EXISTS (SELECT 1 FROM audit_log al WHERE al.subject = 'initiative:' || i.id
  AND al.action = 'state' AND al.from_value = 'open' AND al.at < r.opens_at);
INSERT OR IGNORE INTO round_funded(round_id, initiative_id)
SELECT r.id, CAST(substr(al.subject, 12) AS INTEGER) FROM rounds r JOIN audit_log al
ON al.action = 'state' AND al.to_value = 'gefinancierd' AND al.at >= r.opens_at
AND al.at < r.closes_at WHERE al.subject GLOB 'initiative:*';

-- What was paid out to each initiative, kept with the payout rows (the same transaction that
-- adds one), so that the money screen finds the funded initiatives still to be paid through
-- an index that holds only those; `verify` checks it against the ledger.
ALTER TABLE initiatives ADD COLUMN paid_cents INTEGER NOT NULL DEFAULT 0 CHECK (paid_cents >= 0);
UPDATE initiatives SET paid_cents = (SELECT sum(l.amount_cents) FROM ledger l
  WHERE l.initiative_id = initiatives.id AND l.kind = 'payout')
WHERE id IN (SELECT initiative_id FROM ledger WHERE kind = 'payout');
CREATE TRIGGER initiatives_paid_payout AFTER INSERT ON ledger WHEN new.kind = 'payout'
BEGIN
  UPDATE initiatives SET paid_cents = paid_cents + new.amount_cents WHERE id = new.initiative_id;
END;
CREATE INDEX initiatives_unpaid ON initiatives(updated_at, id)
WHERE state IN ('gefinancierd', 'uitgevoerd') AND raised_cents > paid_cents;

-- The partners' contributions to each initiative, kept the same way: the home and area pages
-- show partner money apart without summing the ledger.
ALTER TABLE initiatives ADD COLUMN partner_cents INTEGER NOT NULL DEFAULT 0;
UPDATE initiatives SET partner_cents = (SELECT sum(l.amount_cents) FROM ledger l
  WHERE l.initiative_id = initiatives.id AND l.kind = 'contribution')
WHERE id IN (SELECT initiative_id FROM ledger WHERE kind = 'contribution');
CREATE TRIGGER initiatives_partner_contribution AFTER INSERT ON ledger
WHEN new.kind = 'contribution'
BEGIN
  UPDATE initiatives SET partner_cents = partner_cents + new.amount_cents
  WHERE id = new.initiative_id;
END;
CREATE INDEX initiatives_partner ON initiatives(area_id, partner_cents)
WHERE partner_cents <> 0 AND published_at IS NOT NULL;
