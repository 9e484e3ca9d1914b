-- Summaries kept with the ledger, so that no page counts vouchers or sums the ledger: the same
-- transaction that adds a voucher, a donation or its reversal updates them (the triggers below),
-- and `verify` recomputes every row from the vouchers and the ledger.

-- Per round and per household area (a wijk, dorp or buurt): vouchers issued (not voided),
-- standing donations of them and their cents, and vouchers returned after the round.
CREATE TABLE round_area_totals (
  round_id      INTEGER NOT NULL REFERENCES rounds(id),
  area_id       INTEGER NOT NULL REFERENCES areas(id),
  issued        INTEGER NOT NULL DEFAULT 0,
  donated       INTEGER NOT NULL DEFAULT 0,
  donated_cents INTEGER NOT NULL DEFAULT 0,
  returned      INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (round_id, area_id)
) STRICT, WITHOUT ROWID;

-- The initiatives that received a donation of a round's vouchers (standing or reversed since).
CREATE TABLE round_initiatives (
  round_id      INTEGER NOT NULL REFERENCES rounds(id),
  initiative_id INTEGER NOT NULL REFERENCES initiatives(id),
  donations     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (round_id, initiative_id)
) STRICT, WITHOUT ROWID;

-- Households per area.
CREATE TABLE area_households (
  area_id    INTEGER PRIMARY KEY REFERENCES areas(id),
  households INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TRIGGER summaries_voucher_insert AFTER INSERT ON vouchers WHEN new.voided_at IS NULL
BEGIN
  INSERT INTO round_area_totals(round_id, area_id, issued)
  SELECT new.round_id, h.area_id, 1 FROM households h WHERE h.id = new.household_id
  ON CONFLICT(round_id, area_id) DO UPDATE SET issued = issued + 1;
END;
CREATE TRIGGER summaries_voucher_void AFTER UPDATE OF voided_at ON vouchers
WHEN (old.voided_at IS NULL) <> (new.voided_at IS NULL)
BEGIN
  INSERT INTO round_area_totals(round_id, area_id, issued)
  SELECT new.round_id, h.area_id, CASE WHEN new.voided_at IS NULL THEN 1 ELSE -1 END
  FROM households h WHERE h.id = new.household_id
  ON CONFLICT(round_id, area_id) DO UPDATE SET issued = issued + excluded.issued;
END;
CREATE TRIGGER summaries_voucher_delete AFTER DELETE ON vouchers WHEN old.voided_at IS NULL
BEGIN
  UPDATE round_area_totals SET issued = issued - 1 WHERE round_id = old.round_id
  AND area_id = (SELECT area_id FROM households WHERE id = old.household_id);
END;

CREATE TRIGGER summaries_donation AFTER INSERT ON ledger WHEN new.kind = 'donation'
BEGIN
  INSERT INTO round_area_totals(round_id, area_id, donated, donated_cents)
  SELECT v.round_id, h.area_id, 1, new.amount_cents FROM vouchers v
  JOIN households h ON h.id = v.household_id WHERE v.id = new.voucher_id
  ON CONFLICT(round_id, area_id) DO UPDATE SET donated = donated + 1,
    donated_cents = donated_cents + excluded.donated_cents;
  INSERT INTO round_initiatives(round_id, initiative_id, donations)
  SELECT v.round_id, new.initiative_id, 1 FROM vouchers v WHERE v.id = new.voucher_id
  ON CONFLICT(round_id, initiative_id) DO UPDATE SET donations = donations + 1;
END;
CREATE TRIGGER summaries_reversal AFTER INSERT ON ledger
WHEN new.kind IN ('release', 'return') AND new.voucher_id IS NOT NULL
BEGIN
  INSERT INTO round_area_totals(round_id, area_id, donated, donated_cents, returned)
  SELECT v.round_id, h.area_id, -1, new.amount_cents, new.kind = 'return' FROM vouchers v
  JOIN households h ON h.id = v.household_id WHERE v.id = new.voucher_id
  ON CONFLICT(round_id, area_id) DO UPDATE SET donated = donated - 1,
    donated_cents = donated_cents + excluded.donated_cents, returned = returned + excluded.returned;
END;

CREATE TRIGGER summaries_household_insert AFTER INSERT ON households
BEGIN
  INSERT INTO area_households(area_id, households) VALUES (new.area_id, 1)
  ON CONFLICT(area_id) DO UPDATE SET households = households + 1;
END;
CREATE TRIGGER summaries_household_delete AFTER DELETE ON households
BEGIN
  UPDATE area_households SET households = households - 1 WHERE area_id = old.area_id;
END;
-- A household that moves to another area takes its vouchers' figures along.
CREATE TRIGGER summaries_household_move AFTER UPDATE OF area_id ON households
WHEN old.area_id <> new.area_id
BEGIN
  UPDATE area_households SET households = households - 1 WHERE area_id = old.area_id;
  INSERT INTO area_households(area_id, households) VALUES (new.area_id, 1)
  ON CONFLICT(area_id) DO UPDATE SET households = households + 1;
  INSERT INTO round_area_totals(round_id, area_id, issued, donated, donated_cents, returned)
  SELECT f.round_id, m.area_id, m.sign * f.issued, m.sign * f.donated, m.sign * f.cents,
         m.sign * f.returned
  FROM (SELECT v.round_id, count(*) FILTER (WHERE v.voided_at IS NULL) AS issued,
          (SELECT count(*) FROM ledger d WHERE d.voucher_id = v.id AND d.kind = 'donation'
            AND NOT EXISTS (SELECT 1 FROM ledger x WHERE x.reverses_id = d.id)) AS donated,
          (SELECT coalesce(sum(d.amount_cents), 0) FROM ledger d WHERE d.voucher_id = v.id
            AND d.kind = 'donation' AND NOT EXISTS (SELECT 1 FROM ledger x WHERE x.reverses_id = d.id)) AS cents,
          (SELECT count(*) FROM ledger x WHERE x.voucher_id = v.id AND x.kind = 'return') AS returned
        FROM vouchers v WHERE v.household_id = new.id GROUP BY v.id) f
  JOIN (SELECT old.area_id AS area_id, -1 AS sign UNION ALL SELECT new.area_id, 1) m
  WHERE true
  ON CONFLICT(round_id, area_id) DO UPDATE SET issued = issued + excluded.issued,
    donated = donated + excluded.donated, donated_cents = donated_cents + excluded.donated_cents,
    returned = returned + excluded.returned;
END;

-- The summaries of the data already there.
INSERT INTO area_households(area_id, households)
SELECT area_id, count(*) FROM households GROUP BY area_id;
INSERT INTO round_area_totals(round_id, area_id, issued)
SELECT v.round_id, h.area_id, count(*) FROM vouchers v JOIN households h ON h.id = v.household_id
WHERE v.voided_at IS NULL GROUP BY 1, 2;
INSERT INTO round_area_totals(round_id, area_id, donated, donated_cents, returned)
SELECT v.round_id, h.area_id, count(*) FILTER (WHERE d.kind = 'donation' AND r.id IS NULL),
       coalesce(sum(d.amount_cents) FILTER (WHERE d.kind = 'donation' AND r.id IS NULL), 0),
       count(*) FILTER (WHERE d.kind = 'return')
FROM ledger d JOIN vouchers v ON v.id = d.voucher_id JOIN households h ON h.id = v.household_id
LEFT JOIN ledger r ON r.reverses_id = d.id AND d.kind = 'donation'
WHERE d.kind IN ('donation', 'return') GROUP BY 1, 2
ON CONFLICT(round_id, area_id) DO UPDATE SET donated = excluded.donated,
  donated_cents = excluded.donated_cents, returned = excluded.returned;
INSERT INTO round_initiatives(round_id, initiative_id, donations)
SELECT v.round_id, d.initiative_id, count(*) FROM ledger d JOIN vouchers v ON v.id = d.voucher_id
WHERE d.kind = 'donation' GROUP BY 1, 2;

-- The money screen's recent contributions and payouts, newest first, without the donations.
CREATE INDEX ledger_money ON ledger(id) WHERE kind IN ('contribution', 'payout');

-- The last ledger row a clean `verify` run covered: the default run checks the rows after it.
CREATE TABLE verify_state (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  ledger_id   INTEGER NOT NULL,
  verified_at TEXT NOT NULL
) STRICT;
