-- The reference tables that migrations fill: a restore replaces their rows with the backup's.
COMMENT ON TABLE treaties IS 'entraide:seeded';
COMMENT ON TABLE treaty_parties IS 'entraide:seeded';

-- Case numbers from an identity column, which a restore sets past the highest number restored
-- (a free-standing sequence would start again at 1 and repeat references).
ALTER TABLE cases ADD COLUMN number bigint GENERATED ALWAYS AS IDENTITY UNIQUE;
DROP SEQUENCE case_numbers;
