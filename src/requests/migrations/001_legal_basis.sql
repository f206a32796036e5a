-- The legal basis of requests: the treaties a node knows, and each State's status under them.
-- A request is proposed the treaties in force for both States on a date that provide for its
-- kind, or reciprocity where there is none (seeds 13(b), 19).
CREATE TABLE treaties (
  id           text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
  short_title  text NOT NULL CHECK (length(short_title) BETWEEN 1 AND 120),
  kind         text NOT NULL CHECK (kind IN ('multilateral', 'bilateral')),
  -- Adopted, or for a bilateral treaty signed, on this date.
  adopted_on   date NOT NULL,
  -- The kinds of request it provides for.
  covers       text[] NOT NULL CHECK (
    cardinality(covers) >= 1
    AND covers <@ ARRAY['preservation', 'disclosure', 'mla', 'emergency', 'spontaneous', 'freezing', 'extradition']::text[]
  ),
  -- Lower is more specific (lex specialis): proposals list the more specific treaty first.
  specificity  smallint NOT NULL DEFAULT 5 CHECK (specificity BETWEEN 1 AND 9),
  -- The offences it is limited to, when narrower than crime in general.
  scope        text CHECK (length(scope) <= 1000),
  sample       boolean NOT NULL DEFAULT false
);
COMMENT ON COLUMN treaties.sample IS 'Demonstration data shipped with Entraide, not a statement of law.';

CREATE TABLE treaty_parties (
  treaty_id     text NOT NULL REFERENCES treaties (id),
  state         char(2) NOT NULL CHECK (state ~ '^[A-Z]{2}$'),
  -- signed: signed, not (yet) bound; ratified: ratified, accepted, approved or acceded, in force
  -- for that State from in_force_on (which may be in the future); withdrawn: denounced, or the
  -- signature withdrawn, with effect from withdrawn_on.
  status        text NOT NULL CHECK (status IN ('signed', 'ratified', 'withdrawn')),
  signed_on     date,
  in_force_on   date,
  withdrawn_on  date,
  -- Reservations and declarations, as notified.
  reservations  text NOT NULL DEFAULT '' CHECK (length(reservations) <= 10000),
  sample        boolean NOT NULL DEFAULT false,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (treaty_id, state),
  CHECK (status <> 'signed' OR (signed_on IS NOT NULL AND in_force_on IS NULL AND withdrawn_on IS NULL)),
  CHECK (status <> 'ratified' OR (in_force_on IS NOT NULL AND withdrawn_on IS NULL)),
  CHECK (status <> 'withdrawn' OR withdrawn_on IS NOT NULL),
  CHECK (in_force_on >= signed_on),
  CHECK (withdrawn_on >= signed_on),
  CHECK (withdrawn_on > in_force_on)
);
CREATE INDEX treaty_parties_by_state ON treaty_parties (state, treaty_id);
COMMENT ON COLUMN treaty_parties.sample IS 'Demonstration data about the fictitious States XA and XB, not a statement of any real State''s status.';

-- The multilateral treaties themselves are real; which States are bound by them is for each node's
-- administrator to record: no real State's status ships with Entraide. What each covers is a
-- reading of its articles, cited below.
INSERT INTO treaties (id, title, short_title, kind, adopted_on, covers, specificity, scope, sample) VALUES
  -- art. 6-7 direct disclosure, 8 giving effect to orders, 9 expedited disclosure in an emergency,
  -- 10 emergency mutual assistance, 11-12 video conferencing and joint investigation teams.
  ('cets-224', 'Second Additional Protocol to the Convention on Cybercrime on enhanced co-operation and disclosure of electronic evidence (CETS No. 224)',
   'Budapest Second Protocol (CETS 224)', 'multilateral', '2021-11-17', ARRAY['disclosure', 'emergency', 'mla'], 1, NULL, false),
  -- art. 24 extradition, 26 spontaneous information, 29 expedited preservation, 30 expedited
  -- disclosure of preserved traffic data, 31-34 mutual assistance.
  ('ets-185', 'Convention on Cybercrime (ETS No. 185)',
   'Budapest Convention (ETS 185)', 'multilateral', '2001-11-08', ARRAY['preservation', 'disclosure', 'mla', 'spontaneous', 'extradition'], 2, NULL, false),
  -- art. 8: the Convention's cooperation provisions apply to the offences of the Protocol.
  ('ets-189', 'Additional Protocol to the Convention on Cybercrime, concerning the criminalisation of acts of a racist and xenophobic nature committed through computer systems (ETS No. 189)',
   'Budapest First Protocol (ETS 189)', 'multilateral', '2002-11-07', ARRAY['preservation', 'disclosure', 'mla', 'spontaneous', 'extradition'], 3,
   'only the offences of the Protocol: racist and xenophobic material, threats and insults through computer systems, denial of genocide and crimes against humanity', false),
  -- Chapter V: extradition (art. 37), mutual legal assistance and spontaneous information (art. 40),
  -- expedited preservation and disclosure of preserved traffic data (art. 42-43), access to stored
  -- data (art. 44), cooperation for confiscation, freezing included (art. 50).
  ('un-cybercrime-2024', 'United Nations Convention against Cybercrime; Strengthening International Cooperation for Combating Certain Crimes Committed by Means of Information and Communications Technology Systems and for the Sharing of Evidence in Electronic Form of Serious Crimes',
   'UN Convention against Cybercrime (2024)', 'multilateral', '2024-12-24', ARRAY['preservation', 'disclosure', 'mla', 'spontaneous', 'freezing', 'extradition'], 4, NULL, false),
  -- art. 12-13 confiscation and freezing, 16 extradition, 18 mutual legal assistance (18(4) spontaneous).
  ('untoc', 'United Nations Convention against Transnational Organized Crime (Palermo Convention)',
   'UNTOC (Palermo, 2000)', 'multilateral', '2000-11-15', ARRAY['mla', 'spontaneous', 'freezing', 'extradition'], 5,
   'serious crime that is transnational in nature and involves an organized criminal group', false);

-- Sample data for the demonstration federation: XA and XB are fictitious (ISO 3166 user-assigned codes).
INSERT INTO treaties (id, title, short_title, kind, adopted_on, covers, specificity, scope, sample) VALUES
  ('xa-xb-mla-2018', 'Treaty between the Republic of XA and the Kingdom of XB on Mutual Legal Assistance in Criminal Matters (sample)',
   'XA-XB MLA Treaty (sample)', 'bilateral', '2018-03-14', ARRAY['mla', 'freezing', 'spontaneous'], 1, NULL, true);

INSERT INTO treaty_parties (treaty_id, state, status, signed_on, in_force_on, withdrawn_on, reservations, sample) VALUES
  ('ets-185', 'XA', 'ratified', '2001-11-23', '2010-01-01', NULL, 'Art. 24(7): the central authority for extradition is the Ministry of Justice of XA (sample).', true),
  ('ets-185', 'XB', 'ratified', '2003-02-10', '2015-07-01', NULL, 'Art. 29(4): XB reserves the right to refuse preservation where dual criminality is not met, except for the offences of art. 2-11 (sample).', true),
  ('ets-189', 'XA', 'ratified', '2003-01-28', '2012-04-01', NULL, '', true),
  ('cets-224', 'XA', 'ratified', '2022-05-12', '2026-03-01', NULL, 'Art. 7(9)(a): XA reserves the right not to apply art. 7 (sample).', true),
  ('cets-224', 'XB', 'signed', '2022-05-12', NULL, NULL, '', true),
  ('un-cybercrime-2024', 'XA', 'signed', '2025-10-25', NULL, NULL, '', true),
  ('un-cybercrime-2024', 'XB', 'signed', '2025-10-25', NULL, NULL, '', true),
  ('untoc', 'XA', 'ratified', '2000-12-12', '2004-06-01', NULL, '', true),
  ('untoc', 'XB', 'ratified', '2000-12-13', '2005-01-15', NULL, 'Art. 35(2): XB does not consider itself bound by art. 35(2) (sample).', true),
  ('xa-xb-mla-2018', 'XA', 'ratified', '2018-03-14', '2019-01-01', NULL, '', true),
  ('xa-xb-mla-2018', 'XB', 'ratified', '2018-03-14', '2019-01-01', NULL, '', true);
