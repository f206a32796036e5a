-- Reports are linked by the platform's match keys, the same that cases and requests use, so that a
-- report and a case naming the same phone, IBAN or wallet find each other. The keys come from
-- libphonenumber's number plans and the checksums of each kind, which SQL does not have: rows
-- stored before this migration get theirs when the node starts (fillMatchKeys in
-- src/prevention/match-keys.ts), which looks only at rows without one and so may run any number of
-- times; old links that the new keys would split (links that differed only in scheme, "www.", query
-- or trailing slash) are given one key, so the reports linked before stay linked. Until the node
-- starts, such a row links to nothing.
ALTER TABLE report_identifiers ADD COLUMN match_key text;
DROP INDEX report_identifiers_by_value;
CREATE INDEX report_identifiers_by_key ON report_identifiers (match_key);

-- The retention job deletes reports by type and age of their last change.
CREATE INDEX reports_retention ON reports (incident_type, updated_at);
