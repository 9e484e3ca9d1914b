-- Public lists without a sort of every initiative: the newest first in published order (the
-- rowid makes ties follow the id), and the public totals and list counts from an index that
-- holds every column they read.
CREATE INDEX initiatives_published ON initiatives(published_at);
CREATE INDEX initiatives_public_totals ON initiatives(published_at, state, area_id, raised_cents,
                                                      voucher_count);
-- The initiatives funded within a round (the round figures): only those audit rows.
CREATE INDEX audit_log_state_to ON audit_log(action, to_value, at);
