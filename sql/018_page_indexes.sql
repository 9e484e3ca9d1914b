-- The rounds newest first, read in order a page at a time (the API's rounds and totals and the
-- staff's rounds screen), instead of sorting every round for one page.
CREATE INDEX rounds_newest ON rounds(opens_at DESC, id DESC);

-- The money screen's choice of an initiative for a partner's contribution: the open and funded
-- ones, the latest changed first, or those whose title holds a few typed letters, read from
-- this index alone and up to the choice's limit.
CREATE INDEX initiatives_money_choice ON initiatives(updated_at, id, title)
WHERE state IN ('open', 'gefinancierd');
