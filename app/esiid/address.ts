// One normaliser for stored addresses and for what operators type, so both sides compare alike.

const WORD_FORMS: Record<string, string> = {
  STREET: "ST",
  STR: "ST",
  AVENUE: "AVE",
  AV: "AVE",
  DRIVE: "DR",
  ROAD: "RD",
  LANE: "LN",
  BOULEVARD: "BLVD",
  COURT: "CT",
  CIRCLE: "CIR",
  PLACE: "PL",
  PARKWAY: "PKWY",
  HIGHWAY: "HWY",
  TRAIL: "TRL",
  TERRACE: "TER",
  FREEWAY: "FWY",
  EXPRESSWAY: "EXPY",
  SQUARE: "SQ",
  NORTH: "N",
  SOUTH: "S",
  EAST: "E",
  WEST: "W",
  APARTMENT: "APT",
  SUITE: "STE",
  UNIT: "UNIT",
};

/**
 * Upper case, punctuation dropped (O'CONNOR → OCONNOR), runs of spaces collapsed (Oncor pads inside the
 * address), leading zeros of numbers dropped (Oncor's 01718 → 1718), common suffixes in their short form.
 */
export function normalizeAddress(text: string): string {
  return text
    .toUpperCase()
    .replace(/['’`]/g, "")
    .replace(/[^A-Z0-9]+/g, " ")
    .trim()
    .split(" ")
    .filter(Boolean)
    .map((word) => (/^\d+$/.test(word) ? word.replace(/^0+(?=\d)/, "") : (WORD_FORMS[word] ?? word)))
    .join(" ");
}

/** What the trigram index covers for one premise: address, overflow, city and 5-digit ZIP. */
export function premiseSearchText(parts: {
  address: string | null;
  addressOverflow: string | null;
  city: string | null;
  zipcode: string | null;
}): string {
  return normalizeAddress(
    [parts.address, parts.addressOverflow, parts.city, parts.zipcode?.slice(0, 5)].filter(Boolean).join(" "),
  );
}

/** The address as people write it: Oncor's inner padding collapsed. */
export function displayAddress(address: string | null, overflow: string | null): string {
  return [address, overflow]
    .filter(Boolean)
    .map((part) => part!.replace(/\s+/g, " ").trim())
    .join(", ");
}
