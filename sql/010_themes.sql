-- Themes: every initiative has one, a name from the setting 'themas' as it was when chosen, so
-- that a theme later taken off that list stays readable on the initiatives that have it.
ALTER TABLE initiatives ADD COLUMN theme TEXT NOT NULL DEFAULT 'overig'
  CHECK (length(theme) BETWEEN 1 AND 40);
CREATE INDEX initiatives_theme ON initiatives(theme, published_at);
