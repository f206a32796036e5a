-- Answers to the business-impact survey (14(cc)), anonymous: no name, no address, no network
-- address, no audit record tying an answer to a request, and only the month it came in, too coarse
-- to match an answer to a line of a server's access log. The lists of choices are those of
-- src/prevention/survey.ts.
CREATE TABLE survey_responses (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  received_in date NOT NULL DEFAULT date_trunc('month', now() AT TIME ZONE 'UTC')::date CHECK (extract(day FROM received_in) = 1),
  locale      text NOT NULL CHECK (locale IN ('ar', 'zh', 'en', 'fr', 'ru', 'es')),
  sector      text NOT NULL CHECK (sector IN ('retail', 'manufacturing', 'construction', 'transport', 'hospitality', 'finance', 'health', 'ict', 'professional', 'education', 'agriculture', 'nonprofit', 'public', 'other')),
  size        text NOT NULL CHECK (size IN ('micro', 'small', 'medium', 'large')),
  -- `none` alone, or one or more incidents; the questions on their impact are left unanswered after `none`.
  incidents   text[] NOT NULL CHECK (cardinality(incidents) > 0 AND incidents <@ ARRAY['phishing', 'ransomware', 'business-email', 'account-takeover', 'online-fraud', 'data-breach', 'denial-of-service', 'other', 'none']),
  downtime    text CHECK (downtime IN ('none', 'hours', 'days', 'weeks', 'unknown')),
  cost        text CHECK (cost IN ('none', 'under-1k', '1k-10k', '10k-100k', 'over-100k', 'unknown')),
  reported    text[] NOT NULL DEFAULT '{}' CHECK (reported <@ ARRAY['police', 'cert', 'data-protection', 'bank', 'insurer', 'it-provider', 'nobody']),
  why_not     text[] NOT NULL DEFAULT '{}' CHECK (why_not <@ ARRAY['not-serious', 'no-use', 'not-know', 'reputation', 'internal', 'no-time', 'other']),
  comment     text CHECK (char_length(comment) BETWEEN 1 AND 500),
  CHECK (incidents = ARRAY['none'] OR NOT 'none' = ANY (incidents)),
  CHECK (reported = ARRAY['nobody'] OR NOT 'nobody' = ANY (reported))
);
CREATE INDEX survey_responses_received ON survey_responses (received_in);
