-- Advisories to the public (14(ii)): drafted and translated by analysts, published or scheduled by
-- a publisher. Each publication fixes a version: later changes go into a new version, which the
-- public sees only once it is published in its turn, so that every text the public was shown is kept.
CREATE TABLE advisories (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  audience          text NOT NULL CHECK (audience IN ('public', 'businesses', 'young', 'older')),
  -- The incident types of the report form.
  threat            text NOT NULL CHECK (threat IN ('phishing', 'online-fraud', 'romance-scam', 'ransomware', 'sextortion', 'harassment', 'hate-speech', 'account-takeover', 'crypto-scam', 'other')),
  original_locale   text NOT NULL CHECK (original_locale IN ('ar', 'zh', 'en', 'fr', 'ru', 'es')),
  created_at        timestamptz NOT NULL DEFAULT now(),
  withdrawn_at      timestamptz,
  withdrawal_reason text,
  CHECK ((withdrawn_at IS NULL) = (withdrawal_reason IS NULL))
);

-- publish_at: NULL while the version is a draft; in the future while it is scheduled. The public
-- sees the latest version whose time has come: checked when read, so no job has to publish it.
CREATE TABLE advisory_versions (
  advisory_id uuid NOT NULL REFERENCES advisories (id) ON DELETE CASCADE,
  version     integer NOT NULL CHECK (version > 0),
  created_at  timestamptz NOT NULL DEFAULT now(),
  publish_at  timestamptz,
  PRIMARY KEY (advisory_id, version)
);
CREATE INDEX advisory_versions_published ON advisory_versions (publish_at) WHERE publish_at IS NOT NULL;

-- Each version holds its whole text in every language it was written in.
CREATE TABLE advisory_texts (
  advisory_id uuid NOT NULL,
  version     integer NOT NULL,
  locale      text NOT NULL CHECK (locale IN ('ar', 'zh', 'en', 'fr', 'ru', 'es')),
  title       text NOT NULL,
  summary     text NOT NULL,
  body        text NOT NULL,
  PRIMARY KEY (advisory_id, version, locale),
  FOREIGN KEY (advisory_id, version) REFERENCES advisory_versions (advisory_id, version) ON DELETE CASCADE
);
