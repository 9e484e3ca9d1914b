-- Grows a demo database into years of data: households, 20 closed half-year rounds with a
-- voucher for every household, initiatives funded (or not) by real donations of those vouchers,
-- payouts, returns and news. Plain SQL through every trigger of the schema; `verify` passes on
-- the result. Reads its sizes from the temp table `scale` (households, initiatives, n_min,
-- n_span, news) that tests/bench/scale-db creates.
PRAGMA foreign_keys = ON;
BEGIN IMMEDIATE;

-- Households up to the wanted total, spread over the twelve wijken and dorpen (and buurten).
INSERT INTO households(postcode, house_number, street, city, area_id)
WITH RECURSIVE n(h) AS (SELECT 0 UNION ALL SELECT h + 1 FROM n
                         WHERE h + 1 < (SELECT households FROM scale) - (SELECT count(*) FROM households))
SELECT printf('%d %s%s', 8000 + (h / 500) % 200, char(65 + (h / 20) % 26), char(65 + h % 26)),
       1 + h, 'Schaalstraat', 'Almelo',
       CASE WHEN (h / 12) % 2 = 1 AND h % 12 + 1 = 2 THEN 13
            WHEN (h / 12) % 2 = 1 AND h % 12 + 1 = 4 THEN 15
            WHEN (h / 12) % 2 = 1 AND h % 12 + 1 = 7 THEN 17
            ELSE h % 12 + 1 END
FROM n;

-- Twenty closed rounds, two a year, before the demo's rounds.
INSERT INTO rounds(name, opens_at, closes_at, voucher_cents)
WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 19)
SELECT printf('%s %d', CASE i % 2 WHEN 0 THEN 'Voorjaar' ELSE 'Najaar' END, 2016 + i / 2),
       printf('%d-%s 09:00:00', 2016 + i / 2, CASE i % 2 WHEN 0 THEN '02-01' ELSE '09-01' END),
       printf('%d-%s 09:00:00', 2016 + i / 2, CASE i % 2 WHEN 0 THEN '06-30' ELSE '12-20' END),
       750
FROM k;
CREATE TEMP TABLE gen_rounds AS
  SELECT id, row_number() OVER (ORDER BY opens_at) - 1 AS k, opens_at, closes_at, voucher_cents
  FROM rounds WHERE name GLOB '*[0-9][0-9][0-9][0-9]' AND opens_at < '2026-01-01';

INSERT INTO vouchers(round_id, household_id, code_hash, value_cents, issued_at)
SELECT r.id, h.id, randomblob(32), r.voucher_cents, r.opens_at
FROM gen_rounds r CROSS JOIN households h ORDER BY r.id, h.id;

-- Each round's vouchers, numbered per wijk or dorp: initiative j of a round takes the next
-- n_j of its area's numbers, so no voucher is given twice.
CREATE TEMP TABLE ranked AS
  SELECT v.id AS voucher_id, v.round_id, coalesce(a.parent_id, a.id) AS top,
         row_number() OVER (PARTITION BY v.round_id, coalesce(a.parent_id, a.id) ORDER BY v.id) AS rnk
  FROM vouchers v JOIN gen_rounds r ON r.id = v.round_id
  JOIN households h ON h.id = v.household_id JOIN areas a ON a.id = h.area_id;
CREATE INDEX temp.ranked_key ON ranked(round_id, top, rnk);
CREATE TEMP TABLE capacity AS SELECT round_id, top, count(*) AS n FROM ranked GROUP BY 1, 2;

CREATE TEMP TABLE plan0 AS
WITH RECURSIVE j(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM j WHERE j + 1 < (SELECT initiatives FROM scale))
SELECT j, r.id AS round_id, r.opens_at, r.closes_at, r.k,
       j % 12 + 1 AS top,
       CASE WHEN j % 10 = 0 THEN NULL
            WHEN j % 10 = 1 AND j % 12 + 1 IN (2, 4, 7) THEN CASE j % 12 + 1 WHEN 2 THEN 14 WHEN 4 THEN 16 ELSE 18 END
            ELSE j % 12 + 1 END AS area_id,
       (SELECT n_min FROM scale) + (j * 7919) % (SELECT n_span FROM scale) AS n_wanted,
       j % 10 = 7 AS unfunded
FROM j JOIN gen_rounds r ON r.k = j * 20 / (SELECT initiatives FROM scale);
CREATE TEMP TABLE plan1 AS
SELECT p.*, coalesce(sum(n_wanted) OVER (PARTITION BY round_id, top ORDER BY j
                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS cum_wanted
FROM plan0 p;
CREATE TEMP TABLE plan AS
SELECT p.*, max(0, min(n_wanted, c.n - cum_wanted)) AS n,
       min(cum_wanted, c.n) AS cum_before
FROM plan1 p JOIN capacity c ON c.round_id = p.round_id AND c.top = p.top;
-- Ledger blocks in initiative order: the donations, then a payout (funded) or the returns.
CREATE TEMP TABLE blocks AS
SELECT p.*, (SELECT max(id) FROM main.ledger) + 1
         + coalesce(sum(CASE WHEN unfunded THEN 2 * n WHEN n > 0 THEN n + 1 ELSE 0 END)
             OVER (ORDER BY j ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS first_id,
       (SELECT max(id) FROM main.initiatives) + 1 + j AS initiative_id,
       CASE WHEN unfunded THEN (n + 20 + j % 50) * 750 / 100 * 100 ELSE n * 750 / 100 * 100 END AS target
FROM plan p;
UPDATE blocks SET unfunded = 1, target = (20 + j % 50) * 750 / 100 * 100 WHERE n = 0;

INSERT INTO initiatives(id, area_id, title, summary, description, target_cents, raised_cents,
                        voucher_count, planned_date, initiator_name, initiator_email,
                        co_organisers, state, state_reason, created_at, published_at, updated_at)
SELECT initiative_id, area_id,
       printf('%s %d', CASE j % 8 WHEN 0 THEN 'Buurtmoestuin' WHEN 1 THEN 'Speeltuin opknappen'
         WHEN 2 THEN 'Straatfeest' WHEN 3 THEN 'Bankjes langs de Aa' WHEN 4 THEN 'Repair Café'
         WHEN 5 THEN 'Jeu de boules baan' WHEN 6 THEN 'Muurschildering' ELSE 'Buurtkast' END, j),
       'Samen met de buurt maken we iets moois voor iedereen.',
       printf('Een initiatief uit ronde %d.' || char(10) || char(10) ||
              'Bewoners organiseren het samen; iedereen is welkom.', k),
       target, CASE WHEN unfunded THEN 0 ELSE n * 750 END, CASE WHEN unfunded THEN 0 ELSE n END,
       date(closes_at, '+30 days'), printf('Bewoner %d', j), printf('bewoner%d@example.org', j), 2,
       CASE WHEN unfunded THEN 'niet_gehaald' WHEN k < 18 THEN 'uitgevoerd' ELSE 'gefinancierd' END,
       CASE WHEN NOT unfunded AND k < 18 THEN 'Het is gelukt, dank aan iedereen.' ELSE '' END,
       opens_at, datetime(opens_at, '+1 day'), datetime(closes_at, '+20 days')
FROM blocks ORDER BY j;
INSERT INTO budget_lines(initiative_id, position, item, amount_cents)
SELECT initiative_id, 1, 'Materiaal en activiteiten', target FROM blocks ORDER BY j;

-- States, ordered against the ledger by ledger_seq (see 002_vouchers.sql).
INSERT INTO audit_log(at, actor, action, subject, from_value, to_value, reason, ledger_seq)
SELECT at, 'schaal', 'state', 'initiative:' || initiative_id, f, t, why, seq FROM (
  SELECT j, 1 AS o, datetime(opens_at, '+1 day') AS at, 'ingediend' AS f, 'open' AS t, '' AS why,
         first_id - 1 AS seq, initiative_id FROM blocks
  UNION ALL
  SELECT j, 2, datetime(opens_at, '+2 days', printf('+%d minutes', n)), 'open',
         CASE WHEN unfunded THEN 'niet_gehaald' ELSE 'gefinancierd' END,
         CASE WHEN unfunded THEN 'deadline verstreken' ELSE 'streefbedrag bereikt' END,
         first_id + n - 1, initiative_id FROM blocks
  UNION ALL
  SELECT j, 3, datetime(closes_at, '+20 days'), 'gefinancierd', 'uitgevoerd', 'verslag',
         first_id + n, initiative_id FROM blocks WHERE NOT unfunded AND k < 18)
ORDER BY j, o;

INSERT INTO ledger(id, at, kind, initiative_id, voucher_id, amount_cents, actor)
SELECT b.first_id + x.rnk - b.cum_before - 1, datetime(b.opens_at, '+2 days',
       printf('+%d minutes', x.rnk - b.cum_before)), 'donation', b.initiative_id, x.voucher_id, 750, ''
FROM blocks b JOIN ranked x ON x.round_id = b.round_id AND x.top = b.top
 AND x.rnk > b.cum_before AND x.rnk <= b.cum_before + b.n
ORDER BY 1;
INSERT INTO ledger(id, at, kind, initiative_id, amount_cents, reference, actor)
SELECT first_id + n, datetime(closes_at, '+10 days'), 'payout', initiative_id, n * 750,
       printf('BET-%d', j), 'beheerder'
FROM blocks WHERE NOT unfunded AND n > 0 ORDER BY j;
INSERT INTO ledger(id, at, kind, initiative_id, voucher_id, reverses_id, amount_cents, actor)
SELECT d.id + b.n, datetime(b.closes_at, '+1 day'), 'return', b.initiative_id, d.voucher_id, d.id,
       -d.amount_cents, 'systeem'
FROM blocks b JOIN ledger d ON d.initiative_id = b.initiative_id AND d.kind = 'donation'
WHERE b.unfunded AND b.n > 0 ORDER BY d.id;

INSERT INTO news(area_id, title, body, author_name, published, created_at, published_at)
WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i + 1 < (SELECT news FROM scale))
SELECT CASE WHEN i % 3 = 0 THEN NULL ELSE i % 12 + 1 END, printf('Nieuws uit de buurt %d', i),
       'Er gebeurt veel in de wijk.' || char(10) || char(10) || 'Kijk op de site wat er loopt.',
       'Gemeente Almelo', 1, datetime('2016-01-15', printf('+%d days', i * 3650 / (SELECT news FROM scale))),
       datetime('2016-01-15', printf('+%d days', i * 3650 / (SELECT news FROM scale)))
FROM k;
COMMIT;
