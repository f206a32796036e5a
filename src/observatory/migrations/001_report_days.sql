-- Reports counted by day and incident type as they arrive, kept when the reports themselves are
-- deleted at the end of their retention period or withdrawn: the trends outlive the reports, and
-- hold nothing about anyone. A trigger feeds the count, so no path that stores a report can miss it.
CREATE TABLE observatory_report_days (
  day           date NOT NULL,
  incident_type text NOT NULL,
  reports       integer NOT NULL CHECK (reports > 0),
  PRIMARY KEY (day, incident_type)
);

CREATE FUNCTION observatory_count_report() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A restore brings the counts with the reports (src/platform/db/backup.ts).
  IF current_setting('entraide.restoring', true) = 'on' THEN RETURN NULL; END IF;
  INSERT INTO observatory_report_days (day, incident_type, reports)
  VALUES ((NEW.submitted_at AT TIME ZONE 'UTC')::date, NEW.incident_type, 1)
  ON CONFLICT (day, incident_type) DO UPDATE SET reports = observatory_report_days.reports + 1;
  RETURN NULL;
END $$;

CREATE TRIGGER observatory_count_report AFTER INSERT ON reports FOR EACH ROW EXECUTE FUNCTION observatory_count_report();

-- The reports already there when the observatory is installed.
INSERT INTO observatory_report_days (day, incident_type, reports)
SELECT (submitted_at AT TIME ZONE 'UTC')::date, incident_type, count(*) FROM reports GROUP BY 1, 2;
