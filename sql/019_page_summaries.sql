-- A wijkregisseur's count of the posts of their areas on the staff news list: the posts of
-- those areas read from this index, not every post with its area looked up.
CREATE INDEX news_area ON news(area_id);

-- Per round the sums over its areas of round_area_totals (007), kept by triggers on that
-- summary in the same statement that changes it: a page of rounds (the API's rounds and
-- totals, the staff's rounds screen) reads one row per round instead of one per round and
-- area. `verify` compares it with round_area_totals, which it checks against the ledger.
CREATE TABLE round_totals (
  round_id      INTEGER PRIMARY KEY REFERENCES rounds(id),
  issued        INTEGER NOT NULL DEFAULT 0,
  donated       INTEGER NOT NULL DEFAULT 0,
  donated_cents INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TRIGGER round_totals_insert AFTER INSERT ON round_area_totals
BEGIN
  INSERT INTO round_totals(round_id, issued, donated, donated_cents)
  VALUES (new.round_id, new.issued, new.donated, new.donated_cents)
  ON CONFLICT(round_id) DO UPDATE SET issued = issued + excluded.issued,
    donated = donated + excluded.donated, donated_cents = donated_cents + excluded.donated_cents;
END;

CREATE TRIGGER round_totals_update AFTER UPDATE ON round_area_totals
BEGIN
  UPDATE round_totals SET issued = issued - old.issued, donated = donated - old.donated,
    donated_cents = donated_cents - old.donated_cents WHERE round_id = old.round_id;
  INSERT INTO round_totals(round_id, issued, donated, donated_cents)
  VALUES (new.round_id, new.issued, new.donated, new.donated_cents)
  ON CONFLICT(round_id) DO UPDATE SET issued = issued + excluded.issued,
    donated = donated + excluded.donated, donated_cents = donated_cents + excluded.donated_cents;
END;

CREATE TRIGGER round_totals_delete AFTER DELETE ON round_area_totals
BEGIN
  UPDATE round_totals SET issued = issued - old.issued, donated = donated - old.donated,
    donated_cents = donated_cents - old.donated_cents WHERE round_id = old.round_id;
END;

INSERT INTO round_totals(round_id, issued, donated, donated_cents)
SELECT round_id, sum(issued), sum(donated), sum(donated_cents) FROM round_area_totals
GROUP BY round_id;
