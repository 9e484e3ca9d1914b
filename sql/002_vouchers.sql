-- Voucher rounds, households, vouchers and the append-only ledger of every movement of money.

CREATE TABLE rounds (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 80),
  opens_at      TEXT NOT NULL,   -- UTC 'YYYY-MM-DD HH:MM:SS', inclusive
  closes_at     TEXT NOT NULL,   -- UTC, exclusive
  voucher_cents INTEGER NOT NULL CHECK (voucher_cents BETWEEN 1 AND 100000),
  created_at    TEXT NOT NULL DEFAULT (datetime('now')),
  CHECK (closes_at > opens_at)
) STRICT;
CREATE TRIGGER rounds_no_overlap_insert BEFORE INSERT ON rounds
WHEN EXISTS (SELECT 1 FROM rounds WHERE new.opens_at < closes_at AND opens_at < new.closes_at)
BEGIN SELECT RAISE(ABORT, 'rounds may not overlap'); END;
CREATE TRIGGER rounds_no_overlap_update BEFORE UPDATE OF opens_at, closes_at ON rounds
WHEN EXISTS (SELECT 1 FROM rounds WHERE id <> new.id
             AND new.opens_at < closes_at AND opens_at < new.closes_at)
BEGIN SELECT RAISE(ABORT, 'rounds may not overlap'); END;

-- One row per address: only what is needed to send a letter and to know the area.
CREATE TABLE households (
  id           INTEGER PRIMARY KEY,
  postcode     TEXT NOT NULL CHECK (postcode GLOB '[1-9][0-9][0-9][0-9] [A-Z][A-Z]'),
  house_number INTEGER NOT NULL CHECK (house_number BETWEEN 1 AND 99999),
  addition     TEXT NOT NULL DEFAULT '' CHECK (length(addition) <= 10),
  street       TEXT NOT NULL,
  city         TEXT NOT NULL,
  area_id      INTEGER NOT NULL REFERENCES areas(id),
  created_at   TEXT NOT NULL DEFAULT (datetime('now')),
  UNIQUE (postcode, house_number, addition)
) STRICT;
CREATE INDEX households_area ON households(area_id);

-- One voucher per household per round. Only a keyed hash of the code is kept; the plain code
-- exists only in the issuance output for the printer. A lost letter voids the voucher (if
-- unused) and a new one replaces it.
CREATE TABLE vouchers (
  id           INTEGER PRIMARY KEY,
  round_id     INTEGER NOT NULL REFERENCES rounds(id),
  household_id INTEGER NOT NULL REFERENCES households(id),
  code_hash    BLOB NOT NULL UNIQUE CHECK (length(code_hash) = 32),
  value_cents  INTEGER NOT NULL CHECK (value_cents > 0),
  issued_at    TEXT NOT NULL,
  voided_at    TEXT,
  replaces_id  INTEGER REFERENCES vouchers(id)
) STRICT;
CREATE UNIQUE INDEX vouchers_one_per_household ON vouchers(round_id, household_id)
  WHERE voided_at IS NULL;
CREATE INDEX vouchers_household ON vouchers(household_id);

-- The ledger. amount_cents is signed by its effect on the initiative's total:
--   donation +value (voucher → initiative), release −value (voucher freed while its round is
--   open), return −value (after the round closed: back to the area's budget), contribution +X
--   (a partner adds money); payout is money paid to a funded initiative and does not change
--   its total (stored positive).
CREATE TABLE ledger (
  id            INTEGER PRIMARY KEY,
  at            TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('donation', 'release', 'return', 'contribution', 'payout')),
  initiative_id INTEGER NOT NULL REFERENCES initiatives(id),
  voucher_id    INTEGER REFERENCES vouchers(id),
  reverses_id   INTEGER REFERENCES ledger(id),
  amount_cents  INTEGER NOT NULL,
  partner       TEXT NOT NULL DEFAULT '',
  reference     TEXT NOT NULL DEFAULT '',
  actor         TEXT NOT NULL DEFAULT '',
  CHECK (kind <> 'donation' OR (voucher_id IS NOT NULL AND reverses_id IS NULL AND amount_cents > 0)),
  CHECK (kind NOT IN ('release', 'return') OR (reverses_id IS NOT NULL AND amount_cents < 0)),
  CHECK (kind <> 'contribution' OR (amount_cents > 0 AND voucher_id IS NULL)),
  CHECK (kind <> 'payout' OR (amount_cents > 0 AND voucher_id IS NULL))
) STRICT;
CREATE INDEX ledger_initiative ON ledger(initiative_id, kind);
CREATE INDEX ledger_voucher ON ledger(voucher_id) WHERE voucher_id IS NOT NULL;
-- A donation is reversed (released or returned) at most once.
CREATE UNIQUE INDEX ledger_reverses ON ledger(reverses_id) WHERE reverses_id IS NOT NULL;

CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
-- Defence in depth behind the donation transaction: a voucher cannot be donated while an
-- earlier donation of it still stands.
CREATE TRIGGER ledger_donation_once BEFORE INSERT ON ledger
WHEN new.kind = 'donation' AND EXISTS (
  SELECT 1 FROM ledger d WHERE d.voucher_id = new.voucher_id AND d.kind = 'donation'
  AND NOT EXISTS (SELECT 1 FROM ledger r WHERE r.reverses_id = d.id))
BEGIN SELECT RAISE(ABORT, 'voucher already donated'); END;
-- A release or return must reverse a donation of the same initiative by its exact amount.
CREATE TRIGGER ledger_reversal_matches BEFORE INSERT ON ledger
WHEN new.kind IN ('release', 'return') AND NOT EXISTS (
  SELECT 1 FROM ledger d WHERE d.id = new.reverses_id AND d.kind = 'donation'
  AND d.initiative_id = new.initiative_id AND d.amount_cents = -new.amount_cents
  AND d.voucher_id IS new.voucher_id)
BEGIN SELECT RAISE(ABORT, 'a reversal must match its donation'); END;

-- Failed attempts (voucher codes, logins) per client address, for throttling. Rows older
-- than an hour are removed by housekeeping.
CREATE TABLE throttle (
  id     INTEGER PRIMARY KEY,
  bucket TEXT NOT NULL,      -- e.g. 'voucher:192.0.2.1'
  at     INTEGER NOT NULL    -- unix time
) STRICT;
CREATE INDEX throttle_bucket ON throttle(bucket, at);

-- State changes are ordered against the ledger: ledger_seq is the highest ledger id when the
-- change was made, so verify can tell the state an initiative was in at each donation.
ALTER TABLE audit_log ADD COLUMN ledger_seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX audit_log_subject ON audit_log(subject, action, ledger_seq);
