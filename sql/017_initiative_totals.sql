-- The published initiatives counted and summed per area, state and theme, kept with the
-- initiatives themselves: the same statement that publishes an initiative, changes its state,
-- area or theme, or (through the ledger's triggers) its total, updates this summary (the
-- triggers below), and `verify` recomputes it from the initiatives. The home and area pages,
-- the API totals and the list counts read these few rows instead of every initiative.
CREATE TABLE initiative_totals (
  area_id       INTEGER NOT NULL,  -- 0: city-wide (no area)
  state         TEXT NOT NULL,
  theme         TEXT NOT NULL,
  initiatives   INTEGER NOT NULL DEFAULT 0,
  raised_cents  INTEGER NOT NULL DEFAULT 0,
  voucher_count INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (area_id, state, theme)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER initiative_totals_insert AFTER INSERT ON initiatives
WHEN new.published_at IS NOT NULL
BEGIN
  INSERT INTO initiative_totals(area_id, state, theme, initiatives, raised_cents, voucher_count)
  VALUES (coalesce(new.area_id, 0), new.state, new.theme, 1, new.raised_cents, new.voucher_count)
  ON CONFLICT(area_id, state, theme) DO UPDATE SET initiatives = initiatives + 1,
    raised_cents = raised_cents + excluded.raised_cents,
    voucher_count = voucher_count + excluded.voucher_count;
END;

CREATE TRIGGER initiative_totals_delete AFTER DELETE ON initiatives
WHEN old.published_at IS NOT NULL
BEGIN
  UPDATE initiative_totals SET initiatives = initiatives - 1,
    raised_cents = raised_cents - old.raised_cents, voucher_count = voucher_count - old.voucher_count
  WHERE area_id = coalesce(old.area_id, 0) AND state = old.state AND theme = old.theme;
END;

-- A change of anything the summary keys or sums on: out of the old row, into the new one.
CREATE TRIGGER initiative_totals_update
AFTER UPDATE OF published_at, state, area_id, theme, raised_cents, voucher_count ON initiatives
WHEN old.published_at IS NOT new.published_at OR old.state IS NOT new.state
  OR old.area_id IS NOT new.area_id OR old.theme IS NOT new.theme
  OR old.raised_cents IS NOT new.raised_cents OR old.voucher_count IS NOT new.voucher_count
BEGIN
  UPDATE initiative_totals SET initiatives = initiatives - 1,
    raised_cents = raised_cents - old.raised_cents, voucher_count = voucher_count - old.voucher_count
  WHERE old.published_at IS NOT NULL AND area_id = coalesce(old.area_id, 0)
  AND state = old.state AND theme = old.theme;
  INSERT INTO initiative_totals(area_id, state, theme, initiatives, raised_cents, voucher_count)
  SELECT coalesce(new.area_id, 0), new.state, new.theme, 1, new.raised_cents, new.voucher_count
  WHERE new.published_at IS NOT NULL
  ON CONFLICT(area_id, state, theme) DO UPDATE SET initiatives = initiatives + 1,
    raised_cents = raised_cents + excluded.raised_cents,
    voucher_count = voucher_count + excluded.voucher_count;
END;

-- The summary of the initiatives already there.
INSERT INTO initiative_totals(area_id, state, theme, initiatives, raised_cents, voucher_count)
SELECT coalesce(area_id, 0), state, theme, count(*), sum(raised_cents), sum(voucher_count)
FROM initiatives WHERE published_at IS NOT NULL GROUP BY 1, 2, 3;

-- The public lists in each of their orders (newest, closest to the target, most vouchers),
-- with the columns the filters test, so that a page reads the index from its start and stops
-- at the page instead of sorting every initiative.
CREATE INDEX initiatives_list_new ON initiatives(published_at DESC, id DESC, state, area_id, theme)
WHERE published_at IS NOT NULL;
CREATE INDEX initiatives_list_closest ON initiatives(state <> 'open',
  raised_cents * 10000 / target_cents DESC, published_at DESC, id DESC, state, area_id, theme)
WHERE published_at IS NOT NULL;
CREATE INDEX initiatives_list_popular ON initiatives(voucher_count DESC, published_at DESC,
  id DESC, state, area_id, theme)
WHERE published_at IS NOT NULL;

-- The standing donations of each round's vouchers by the hour (UTC) they were made, kept with
-- the ledger rows (the donation, and the release or return that reverses one): the dashboard's
-- donations per day add up a round's hours by the local date instead of reading every voucher
-- and donation of the round. Whole hours, so any zone that differs from UTC by whole hours
-- gives the same local dates as the donations' own times.
CREATE TABLE round_donation_hours (
  round_id INTEGER NOT NULL,
  hour     TEXT NOT NULL,  -- 'YYYY-MM-DD HH:00:00' UTC
  vouchers INTEGER NOT NULL DEFAULT 0,
  cents    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (round_id, hour)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER round_donation_hours_donation AFTER INSERT ON ledger WHEN new.kind = 'donation'
BEGIN
  INSERT INTO round_donation_hours(round_id, hour, vouchers, cents)
  SELECT v.round_id, strftime('%Y-%m-%d %H:00:00', new.at), 1, new.amount_cents
  FROM vouchers v WHERE v.id = new.voucher_id
  ON CONFLICT(round_id, hour) DO UPDATE SET vouchers = vouchers + 1,
    cents = cents + excluded.cents;
END;
CREATE TRIGGER round_donation_hours_reversal AFTER INSERT ON ledger
WHEN new.reverses_id IS NOT NULL
BEGIN
  UPDATE round_donation_hours SET vouchers = vouchers - 1,
    cents = cents - (SELECT amount_cents FROM ledger WHERE id = new.reverses_id)
  WHERE (round_id, hour) = (SELECT v.round_id, strftime('%Y-%m-%d %H:00:00', d.at)
    FROM ledger d JOIN vouchers v ON v.id = d.voucher_id
    WHERE d.id = new.reverses_id AND d.kind = 'donation');
END;

INSERT INTO round_donation_hours(round_id, hour, vouchers, cents)
SELECT v.round_id, strftime('%Y-%m-%d %H:00:00', d.at), count(*), sum(d.amount_cents)
FROM ledger d JOIN vouchers v ON v.id = d.voucher_id
WHERE d.kind = 'donation' AND NOT EXISTS (SELECT 1 FROM ledger x WHERE x.reverses_id = d.id)
GROUP BY 1, 2;

-- The staff's list of initiatives online, the longest untouched first, read up to its limit.
CREATE INDEX initiatives_staff_running ON initiatives(updated_at, id)
WHERE state IN ('open', 'gefinancierd');

-- The staff's list of news, drafts first and then the newest, read a page at a time.
CREATE INDEX news_staff_order ON news(published, coalesce(published_at, created_at) DESC,
  id DESC);

-- The likely duplicates of a submission: the initiatives submitted within a day of it.
CREATE INDEX initiatives_created ON initiatives(created_at);
CREATE INDEX co_organisers_initiative ON co_organisers(initiative_id, postcode);

-- How many initiatives each round funded (round_funded, 014), kept with that list: the API's
-- totals of every round read one row per round.
CREATE TABLE round_funded_counts (
  round_id    INTEGER PRIMARY KEY,
  initiatives INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE TRIGGER round_funded_counts_insert AFTER INSERT ON round_funded
BEGIN
  INSERT INTO round_funded_counts(round_id, initiatives) VALUES (new.round_id, 1)
  ON CONFLICT(round_id) DO UPDATE SET initiatives = initiatives + 1;
END;
CREATE TRIGGER round_funded_counts_delete AFTER DELETE ON round_funded
BEGIN
  UPDATE round_funded_counts SET initiatives = initiatives - 1 WHERE round_id = old.round_id;
END;
INSERT INTO round_funded_counts(round_id, initiatives)
SELECT round_id, count(*) FROM round_funded GROUP BY round_id;
