-- What the initiator's form needs to forgive: the initiator's own address (private, for the
-- wijkregisseur, like the co-organisers' addresses), a key per submission form so that a form
-- sent twice makes one initiative, and photos kept while the form goes back and forth.
ALTER TABLE initiatives ADD COLUMN initiator_postcode TEXT NOT NULL DEFAULT '';     -- private
ALTER TABLE initiatives ADD COLUMN initiator_house_number TEXT NOT NULL DEFAULT ''; -- private
-- A keyed hash of the form's token and the browser's CSRF token; NULL for older initiatives.
ALTER TABLE initiatives ADD COLUMN form_key BLOB;
CREATE UNIQUE INDEX initiatives_form_key ON initiatives(form_key) WHERE form_key IS NOT NULL;

-- A photo uploaded with a form that came back (a validation error, more budget rows): held
-- under a keyed hash of its reference and the browser's CSRF token until the form is sent or
-- housekeeping removes it after expires_at (unix time).
CREATE TABLE provisional_photos (
  key_hash   BLOB PRIMARY KEY,
  photo_id   INTEGER NOT NULL UNIQUE REFERENCES photos(id) ON DELETE CASCADE,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX provisional_photos_expiry ON provisional_photos(expires_at);
