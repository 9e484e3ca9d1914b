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
