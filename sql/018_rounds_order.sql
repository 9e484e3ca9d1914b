-- The rounds newest first, read in order a page at a time (the API's rounds and totals and the
-- staff's rounds screen), instead of sorting every round for one page.
CREATE INDEX rounds_newest ON rounds(opens_at DESC, id DESC);
