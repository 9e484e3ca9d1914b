-- When public data last changed, for Last-Modified on the open-data API: one row, touched by
-- every insert, update or delete of a table whose contents the API or the public pages show.
CREATE TABLE site_changes (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  at TEXT NOT NULL
) STRICT;
INSERT INTO site_changes(id, at) VALUES (1, datetime('now'));

CREATE TRIGGER site_changes_initiatives_insert AFTER INSERT ON initiatives
BEGIN UPDATE site_changes SET at = datetime('now') WHERE id = 1; END;
CREATE TRIGGER site_changes_initiatives_update AFTER UPDATE ON initiatives
BEGIN UPDATE site_changes SET at = datetime('now') WHERE id = 1; END;
CREATE TRIGGER site_changes_initiatives_delete AFTER DELETE ON initiatives
BEGIN UPDATE site_changes SET at = datetime('now') WHERE id = 1; END;
CREATE TRIGGER site_changes_budget_lines_insert AFTER INSERT ON budget_lines
BEGIN UPDATE site_changes SET at = datetime('now') WHERE id = 1; END;
CREATE TRIGGER site_changes_budget_lines_update AFTER UPDATE ON budget_lines
BEGIN UPDATE site_changes SET at = datetime('now') WHERE id = 1; END;
CREATE TRIGGER site_changes_budget_lines_delete AFTER DELETE ON budget_lines
BEGIN UPDATE site_changes SET at = datetime('now') WHERE id = 1; END;
CREATE TRIGGER site_changes_initiative_updates_insert AFTER INSERT ON initiative_updates
BEGIN UPDATE site_changes SET at = datetime('now') WHERE id = 1; END;
CREATE TRIGGER site_changes_initiative_updates_update AFTER UPDATE ON initiative_updates
BEGIN UPDATE site_changes SET at = datetime('now') WHERE id = 1; END;
CREATE TRIGGER site_changes_initiative_updates_delete AFTER DELETE ON initiative_updates
BEGIN UPDATE site_changes SET at = datetime('now') WHERE id = 1; END;
CREATE TRIGGER site_changes_news_insert AFTER INSERT ON news
BEGIN UPDATE site_changes SET at = datetime('now') WHERE id = 1; END;
CREATE TRIGGER site_changes_news_update AFTER UPDATE ON news
BEGIN UPDATE site_changes SET at = datetime('now') WHERE id = 1; END;
CREATE TRIGGER site_changes_news_delete AFTER DELETE ON news
BEGIN UPDATE site_changes SET at = datetime('now') WHERE id = 1; END;
CREATE TRIGGER site_changes_areas_insert AFTER INSERT ON areas
BEGIN UPDATE site_changes SET at = datetime('now') WHERE id = 1; END;
CREATE TRIGGER site_changes_areas_update AFTER UPDATE ON areas
BEGIN UPDATE site_changes SET at = datetime('now') WHERE id = 1; END;
CREATE TRIGGER site_changes_areas_delete AFTER DELETE ON areas
BEGIN UPDATE site_changes SET at = datetime('now') WHERE id = 1; END;
CREATE TRIGGER site_changes_rounds_insert AFTER INSERT ON rounds
BEGIN UPDATE site_changes SET at = datetime('now') WHERE id = 1; END;
CREATE TRIGGER site_changes_rounds_update AFTER UPDATE ON rounds
BEGIN UPDATE site_changes SET at = datetime('now') WHERE id = 1; END;
CREATE TRIGGER site_changes_rounds_delete AFTER DELETE ON rounds
BEGIN UPDATE site_changes SET at = datetime('now') WHERE id = 1; END;
CREATE TRIGGER site_changes_ledger_insert AFTER INSERT ON ledger
BEGIN UPDATE site_changes SET at = datetime('now') WHERE id = 1; END;
CREATE TRIGGER site_changes_settings_insert AFTER INSERT ON settings
BEGIN UPDATE site_changes SET at = datetime('now') WHERE id = 1; END;
CREATE TRIGGER site_changes_settings_update AFTER UPDATE ON settings
BEGIN UPDATE site_changes SET at = datetime('now') WHERE id = 1; END;
CREATE TRIGGER site_changes_settings_delete AFTER DELETE ON settings
BEGIN UPDATE site_changes SET at = datetime('now') WHERE id = 1; END;
CREATE TRIGGER site_changes_vouchers_insert AFTER INSERT ON vouchers
BEGIN UPDATE site_changes SET at = datetime('now') WHERE id = 1; END;
CREATE TRIGGER site_changes_vouchers_update AFTER UPDATE ON vouchers
BEGIN UPDATE site_changes SET at = datetime('now') WHERE id = 1; END;
CREATE TRIGGER site_changes_vouchers_delete AFTER DELETE ON vouchers
BEGIN UPDATE site_changes SET at = datetime('now') WHERE id = 1; END;
CREATE TRIGGER site_changes_households_insert AFTER INSERT ON households
BEGIN UPDATE site_changes SET at = datetime('now') WHERE id = 1; END;
CREATE TRIGGER site_changes_households_update AFTER UPDATE ON households
BEGIN UPDATE site_changes SET at = datetime('now') WHERE id = 1; END;
CREATE TRIGGER site_changes_households_delete AFTER DELETE ON households
BEGIN UPDATE site_changes SET at = datetime('now') WHERE id = 1; END;
