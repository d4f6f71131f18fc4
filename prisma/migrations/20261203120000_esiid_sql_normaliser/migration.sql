-- The one address normaliser (docs/esiid.md): the FUL/DAILY loader computes "searchText" with it inside
-- PostgreSQL, and searches normalise what the operator typed with it, so both sides compare alike.
-- Upper case (ASCII letters), apostrophes dropped (O'CONNOR → OCONNOR), every other run of non-alphanumerics
-- one space (Oncor pads inside the address), leading zeros of all-digit words dropped (01718 → 1718),
-- common long forms in their short form (STREET → ST, NORTH → N …). Re-runnable: CREATE OR REPLACE.

-- The exact rewrite, word by word; called only when a long form is present (rare: extracts use short forms).
CREATE OR REPLACE FUNCTION esiid_short_word_forms(words text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(string_agg(coalesce(forms.short, t.word), ' ' ORDER BY t.position), '')
    FROM unnest(string_to_array(words, ' ')) WITH ORDINALITY AS t(word, position)
    LEFT JOIN (VALUES ('STREET', 'ST'), ('STR', 'ST'), ('AVENUE', 'AVE'), ('AV', 'AVE'), ('DRIVE', 'DR'),
                      ('ROAD', 'RD'), ('LANE', 'LN'), ('BOULEVARD', 'BLVD'), ('COURT', 'CT'), ('CIRCLE', 'CIR'),
                      ('PLACE', 'PL'), ('PARKWAY', 'PKWY'), ('HIGHWAY', 'HWY'), ('TRAIL', 'TRL'),
                      ('TERRACE', 'TER'), ('FREEWAY', 'FWY'), ('EXPRESSWAY', 'EXPY'), ('SQUARE', 'SQ'),
                      ('NORTH', 'N'), ('SOUTH', 'S'), ('EAST', 'E'), ('WEST', 'W'), ('APARTMENT', 'APT'),
                      ('SUITE', 'STE')) AS forms(long, short)
      ON forms.long = t.word
$$;

-- plpgsql so that each costly step runs only when a cheap test says it is needed (the loader calls this
-- once per premise: millions of rows per FUL).
CREATE OR REPLACE FUNCTION esiid_normalize_address(address text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  words text := btrim(regexp_replace(translate(upper(address COLLATE "C"), '''’`', ''), '[^A-Z0-9]+', ' ', 'g'));
  spaced text;
BEGIN
  -- Anchored first: the house number is where padding zeros almost always are (Oncor).
  IF left(words, 1) = '0' THEN
    words := regexp_replace(words, '^0+([0-9]+)\M', '\1');
  END IF;
  IF strpos(words, ' 0') > 0 THEN
    words := regexp_replace(words, '\m0+([0-9]+)\M', '\1', 'g');
  END IF;
  spaced := ' ' || words || ' ';
  IF strpos(spaced, ' ST') > 0 AND (strpos(spaced, ' STREET ') > 0 OR strpos(spaced, ' STR ') > 0)
     OR strpos(spaced, ' AV') > 0 AND (strpos(spaced, ' AVENUE ') > 0 OR strpos(spaced, ' AV ') > 0)
     OR strpos(spaced, ' DRIVE ') > 0 OR strpos(spaced, ' ROAD ') > 0 OR strpos(spaced, ' LANE ') > 0
     OR strpos(spaced, ' BOULEVARD ') > 0 OR strpos(spaced, ' COURT ') > 0 OR strpos(spaced, ' CIRCLE ') > 0
     OR strpos(spaced, ' PLACE ') > 0 OR strpos(spaced, ' PARKWAY ') > 0 OR strpos(spaced, ' HIGHWAY ') > 0
     OR strpos(spaced, ' TRAIL ') > 0 OR strpos(spaced, ' TERRACE ') > 0 OR strpos(spaced, ' FREEWAY ') > 0
     OR strpos(spaced, ' EXPRESSWAY ') > 0 OR strpos(spaced, ' SQUARE ') > 0 OR strpos(spaced, ' NORTH ') > 0
     OR strpos(spaced, ' SOUTH ') > 0 OR strpos(spaced, ' EAST ') > 0 OR strpos(spaced, ' WEST ') > 0
     OR strpos(spaced, ' APARTMENT ') > 0 OR strpos(spaced, ' SUITE ') > 0 THEN
    words := esiid_short_word_forms(words);
  END IF;
  RETURN words;
END
$$;

-- What the trigram index covers for one premise: address, overflow, city and 5-digit ZIP.
CREATE OR REPLACE FUNCTION esiid_search_text(address text, overflow text, city text, zipcode text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT esiid_normalize_address(coalesce(address, '') || ' ' || coalesce(overflow, '') || ' ' || coalesce(city, '')
                                 || ' ' || coalesce(left(zipcode, 5), ''))
$$;
