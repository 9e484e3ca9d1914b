-- Requests for a replacement letter that residents make themselves (/brief-kwijt). A request
-- never makes a code: it waits in the admin's queue until a new letter is made for the
-- household (then it counts as handled) or an admin closes it with a reason. At most one open
-- request per household; the address itself stays in households.
CREATE TABLE letter_requests (
  id           INTEGER PRIMARY KEY,
  household_id INTEGER NOT NULL REFERENCES households(id),
  created_at   TEXT NOT NULL,
  -- The household's newest voucher when it asked (0: none): a voucher after it is the answer.
  voucher_before INTEGER NOT NULL DEFAULT 0,
  closed_at    TEXT,
  closed_by    TEXT,
  reason       TEXT NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
  CHECK ((closed_at IS NULL) = (closed_by IS NULL))
) STRICT;
CREATE UNIQUE INDEX letter_requests_one_open ON letter_requests(household_id)
  WHERE closed_at IS NULL;
CREATE INDEX letter_requests_created ON letter_requests(created_at);
