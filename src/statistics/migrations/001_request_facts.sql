-- What the statistics read of a request's steps, kept on the request as the steps are recorded, so
-- that counting the requests of a period reads the requests sent in it (by an index on sent_at)
-- instead of looking up the steps of every request ever made. A trigger keeps them, so no path that
-- records a step can miss them.
--   sent_at: when its first opening step (the step that sends it to its executor) was recorded;
--   last_step_*: when its latest step was taken, from which state, the decision and the grounds its
--   note named. Only the decision and the grounds are copied: never a reason written in words.
-- Steps are recorded in order (request_events.seq), so the first opening step recorded is the
-- first by seq and the latest recorded is the last.
ALTER TABLE requests
  ADD COLUMN sent_at            timestamptz,
  ADD COLUMN last_step_at       timestamptz,
  ADD COLUMN last_step_from     text,
  ADD COLUMN last_step_decision text,
  ADD COLUMN last_step_grounds  jsonb;
CREATE INDEX requests_by_sent_at ON requests (sent_at) WHERE sent_at IS NOT NULL;

-- The steps that send a request, by kind: they come from the kinds' machines, which this SQL does
-- not know, so the node writes them when it starts, and then fills the columns above from the steps
-- already recorded (request-facts.ts).
CREATE TABLE statistics_opening_steps (
  kind   text NOT NULL,
  action text NOT NULL,
  PRIMARY KEY (kind, action)
);

CREATE FUNCTION statistics_note_step() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A restore brings the facts with the requests (src/platform/db/backup.ts).
  IF current_setting('entraide.restoring', true) = 'on' THEN RETURN NULL; END IF;
  UPDATE requests r
     SET sent_at = coalesce(r.sent_at, (SELECT NEW.at FROM statistics_opening_steps o WHERE o.kind = r.kind AND o.action = NEW.action)),
         last_step_at = NEW.at, last_step_from = NEW.from_state,
         last_step_decision = NEW.note->>'decision', last_step_grounds = NEW.note->'grounds'
   WHERE r.id = NEW.request_id;
  RETURN NULL;
END $$;

CREATE TRIGGER statistics_note_step AFTER INSERT ON request_events FOR EACH ROW EXECUTE FUNCTION statistics_note_step();
