-- Threat intelligence shared as STIX 2.1 over TAXII 2.1: collections, who may read or write each,
-- the objects (every version kept) and the status of each request that added objects.

CREATE TABLE taxii_collections (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  title       text NOT NULL CHECK (title <> ''),
  description text,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Access per collection goes by role: an analyst writes to the analysts' collections, others may only read.
CREATE TABLE collection_permissions (
  collection_id uuid NOT NULL REFERENCES taxii_collections (id) ON DELETE CASCADE,
  role          text NOT NULL,
  can_read      boolean NOT NULL,
  can_write     boolean NOT NULL,
  PRIMARY KEY (collection_id, role)
);

-- One row per version of an object in a collection: a version is the object's `modified` (or `created`,
-- or the date it was first added for objects that have neither). date_added is unique within a
-- collection and grows with commit order, so that paging by added_after visits each version once.
CREATE TABLE stix_objects (
  seq           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  collection_id uuid NOT NULL REFERENCES taxii_collections (id) ON DELETE CASCADE,
  id            text NOT NULL,
  type          text NOT NULL,
  spec_version  text NOT NULL,
  version       timestamptz NOT NULL,
  date_added    timestamptz NOT NULL,
  tlp           text CHECK (tlp IN ('clear', 'green', 'amber', 'amber+strict', 'red')),
  -- The node that produced the object; received_from is the peer it came through, null when added here.
  producer_node text NOT NULL,
  received_from text,
  added_by      uuid REFERENCES users (id),
  -- The newest version of its object in the collection: what TAXII serves unless asked otherwise.
  latest        boolean NOT NULL,
  object        jsonb NOT NULL,
  UNIQUE (collection_id, id, version)
);
CREATE UNIQUE INDEX stix_objects_added ON stix_objects (collection_id, date_added);
CREATE INDEX stix_objects_type ON stix_objects (collection_id, type, date_added);
CREATE INDEX stix_objects_latest ON stix_objects (collection_id, date_added) WHERE latest;

CREATE TABLE taxii_status (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  collection_id uuid NOT NULL REFERENCES taxii_collections (id) ON DELETE CASCADE,
  requested_by  uuid REFERENCES users (id),
  requested_at  timestamptz NOT NULL,
  successes     jsonb NOT NULL,
  failures      jsonb NOT NULL
);

-- Filled here, replaced by what a backup holds on restore (src/platform/db/backup.ts).
COMMENT ON TABLE taxii_collections IS 'entraide:seeded';
COMMENT ON TABLE collection_permissions IS 'entraide:seeded';

-- Each node starts with one collection for indicators, written by its analysts and read by its investigators.
WITH shared AS (
  INSERT INTO taxii_collections (title, description)
  VALUES ('Indicators', 'Indicators, observed data and methods shared by this node''s analysts')
  RETURNING id
)
INSERT INTO collection_permissions (collection_id, role, can_read, can_write)
SELECT id, role, true, role = 'analyst' FROM shared, unnest(ARRAY['analyst', 'investigator', 'contact_point']) AS role;
