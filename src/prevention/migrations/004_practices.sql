-- Good practices, training material and templates (14(rr), 14(xx), 13(mm)), each with its text in
-- one or more of the six languages, searched in full text.
CREATE TABLE practices (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- ISO 3166-1 alpha-2, user-assigned codes (the demo's XA, XB) included.
  country    text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  theme      text NOT NULL CHECK (theme IN ('accounts', 'scams', 'ransomware', 'harassment', 'reporting', 'cooperation')),
  audience   text NOT NULL CHECK (audience IN ('public', 'businesses', 'young', 'older', 'professionals')),
  kind       text NOT NULL CHECK (kind IN ('practice', 'training', 'template')),
  link       text CHECK (link ~ '^https?://'),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX practices_filters ON practices (theme, audience, kind, country);

CREATE TABLE practice_texts (
  practice_id uuid NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
  locale      text NOT NULL CHECK (locale IN ('ar', 'zh', 'en', 'fr', 'ru', 'es')),
  title       text NOT NULL,
  body        text NOT NULL,
  PRIMARY KEY (practice_id, locale)
);

-- Each text is searched with the configuration of its own language, so that a reader finds an entry
-- by the words of any of its translations, stemmed as that language stems them. PostgreSQL (the
-- server, 15 and later, and PGlite alike) ships Snowball stemmers for Arabic, English, French,
-- Russian and Spanish. It has none for Chinese, which is written without spaces: its parser would
-- take a whole sentence for one word. Chinese text is therefore indexed one character a word, and a
-- Chinese query is searched as a phrase of adjacent characters (search_query below): a substring
-- search, precise enough for short words like 钓鱼 (phishing) and needing no extension, which PGlite
-- could not load.
CREATE FUNCTION search_config(locale text) RETURNS regconfig
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE locale
    WHEN 'ar' THEN 'pg_catalog.arabic'::regconfig
    WHEN 'en' THEN 'pg_catalog.english'::regconfig
    WHEN 'es' THEN 'pg_catalog.spanish'::regconfig
    WHEN 'fr' THEN 'pg_catalog.french'::regconfig
    WHEN 'ru' THEN 'pg_catalog.russian'::regconfig
    ELSE 'pg_catalog.simple'::regconfig
  END;

-- A space between two CJK unified ideographs (extension A and the compatibility block included);
-- punctuation already parts words.
CREATE FUNCTION search_text(locale text, content text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE WHEN locale = 'zh' THEN regexp_replace(content, '([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])(?=[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])', '\1 ', 'g') ELSE content END;

-- Titles weigh more than bodies in the ranking.
CREATE FUNCTION search_document(locale text, title text, body text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN setweight(to_tsvector(search_config(locale), search_text(locale, title)), 'A')
      || setweight(to_tsvector(search_config(locale), search_text(locale, body)), 'B');

-- What people type, read leniently (websearch_to_tsquery never fails: quotes, "or", "-word");
-- in Chinese, each run of ideographs becomes a quoted phrase of its characters.
CREATE FUNCTION search_query(locale text, typed text) RETURNS tsquery
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN websearch_to_tsquery(search_config(locale), CASE
    WHEN locale = 'zh' THEN search_text(locale, regexp_replace(replace(typed, '"', ' '), '([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)', '"\1"', 'g'))
    ELSE typed END);

-- The spaces search_text put between ideographs, taken out of a highlighted extract again: the
-- marks ts_headline puts around a word (U+0002 and U+0003, which no stored text may hold) may stand
-- beside them.
CREATE FUNCTION search_unspaced(locale text, headline text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE WHEN locale = 'zh'
    THEN regexp_replace(headline, '([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]\u0003?) (?=\u0002?[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])', '\1', 'g')
    ELSE headline END;

CREATE INDEX practice_texts_search ON practice_texts USING gin (search_document(locale, title, body));
