import { Readable } from "node:stream";

/** Deterministic PRNG (mulberry32): the same seed gives the same rows, hence the same SHA-256. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type CsvLayout = 22 | 19;

export interface CsvSpec {
  tdsp: string;
  seed: number;
  /** Exact uncompressed size; the last row is padded to land on it. */
  bytes: number;
  layout: CsvLayout;
  lineEnding: "\n" | "\r\n";
  /**
   * With a kind, rows describe one stable set of premises per TDSP (ESIID, address, place): a FUL lists them in
   * order once each; a DAILY revisits random ones of them with fresh status, orders and flags, plus about one
   * in ten premises its FUL does not hold yet. Without a kind every row is a premise of its own.
   */
  kind?: "FUL" | "DAILY";
}

/** Premise `index` of a TDSP: the same ESIID and address in every file that names it. */
function premiseRandom(tdsp: string, index: number): () => number {
  let hash = 2166136261;
  for (const character of tdsp) hash = Math.imul(hash ^ character.charCodeAt(0), 16777619) >>> 0;
  return seededRandom((hash ^ Math.imul(index + 1, 2654435761)) >>> 0);
}

/** Average row length used to size a DAILY's premise pool from its own size (its FUL is about 4× bigger). */
const TYPICAL_ROW_BYTES = 240;

interface TdspProfile {
  esiidPrefix: string;
  esiidLength: number;
  duns: string;
  places: Array<{ city: string; county: string; zip: string }>;
  stations: Array<[code: string, name: string]>;
  fixedWidthAddress?: boolean;
  hasSubtype?: boolean;
}

// ESIID prefixes and DUNS per §1.3; [U] values are plausible stand-ins.
const PROFILES: Record<string, TdspProfile> = {
  CENTERPOINT: {
    esiidPrefix: "1008901",
    esiidLength: 22,
    duns: "957877905",
    places: [
      { city: "BAYTOWN", county: "CHAMBERS", zip: "77520" },
      { city: "HOUSTON", county: "HARRIS", zip: "770021234" },
      { city: "PASADENA", county: "HARRIS", zip: "77506" },
      { city: "KATY", county: "FORT BEND", zip: "77494" },
    ],
    stations: [
      ["_CD", "CEDAR BAYOU OLD"],
      ["OB", "OBRIEN"],
      ["FAN", "FANNIN"],
    ],
    hasSubtype: true,
  },
  ONCOR_ELEC: {
    esiidPrefix: "1044372",
    esiidLength: 17,
    duns: "1039940674000",
    places: [
      { city: "DALLAS", county: "DALLAS", zip: "75201" },
      { city: "FORT WORTH", county: "TARRANT", zip: "761021234" },
      { city: "WACO", county: "MCLENNAN", zip: "76701" },
    ],
    stations: [
      ["DLS", "DALLAS NORTH"],
      ["FTW", "FORT WORTH EAST"],
    ],
    fixedWidthAddress: true,
  },
  AEP_CENTRAL: {
    esiidPrefix: "1003278",
    esiidLength: 17,
    duns: "007924772",
    places: [
      { city: "CORPUS CHRISTI", county: "NUECES", zip: "78401" },
      { city: "HARLINGEN", county: "CAMERON", zip: "78550" },
    ],
    stations: [
      ["CCN", "CORPUS NORTH"],
      ["HRL", "HARLINGEN"],
    ],
  },
  AEP_NORTH: {
    esiidPrefix: "1020404",
    esiidLength: 17,
    duns: "007923311",
    places: [{ city: "ABILENE", county: "TAYLOR", zip: "79601" }],
    stations: [["ABL", "ABILENE SOUTH"]],
  },
  TNMP: {
    esiidPrefix: "1040051",
    esiidLength: 17,
    duns: "007929441",
    places: [
      { city: "LEAGUE CITY", county: "GALVESTON", zip: "77573" },
      { city: "LEWISVILLE", county: "DENTON", zip: "75057" },
    ],
    stations: [["LGC", "LEAGUE CITY"]],
    hasSubtype: true,
  },
  LUBBOCK: {
    esiidPrefix: "1047707",
    esiidLength: 17,
    duns: "073926177",
    places: [{ city: "LUBBOCK", county: "", zip: "79401" }],
    stations: [["LPL", "LUBBOCK POWER"]],
  },
};

const FALLBACK_PROFILE: TdspProfile = {
  esiidPrefix: "1013830",
  esiidLength: 17,
  duns: "000000000",
  places: [{ city: "ROBSTOWN", county: "NUECES", zip: "78380" }],
  stations: [["RBT", "ROBSTOWN"]],
};

const STREETS = [
  "BOXWOOD",
  "OAK",
  "MAIN",
  "ELM",
  "PECAN",
  "BLUEBONNET",
  "MESQUITE",
  "LONE STAR",
  "O'CONNOR",
  'BIG "D" RANCH',
];
const SUFFIXES = ["DR", "ST", "LN", "RD", "BLVD", "CT"];
const STATUSES = ["Active", "Active", "Active", "Inactive", "De-Energized"];
const PREMISE_TYPES = ["Residential", "Residential", "Small Non-Residential", "Large Non-Residential", ""];
const SERVICE_ORDERS = ["", "", "", "06/01/2026,Move In", "05/28/2026,Move Out"];
const SUBTYPES: Array<[string, string]> = [
  ["", ""],
  ["", ""],
  ["M04", "FIREWORKS STAND"],
  ["M11", "CELL TOWER"],
];

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)];
}

function digits(random: () => number, count: number): string {
  let text = "";
  for (let index = 0; index < count; index++) text += Math.floor(random() * 10);
  return text;
}

/** Non-empty fields quoted with `""` escaping, empty fields bare: the ERCOT extract's style (§5). */
function csvField(value: string): string {
  return value === "" ? "" : `"${value.replace(/"/g, '""')}"`;
}

function rowFields(
  random: () => number,
  profile: TdspProfile,
  layout: CsvLayout,
  addressPadding: number,
  identity: () => number = random,
): string[] {
  const place = pick(identity, profile.places);
  const [stationCode, stationName] = pick(identity, profile.stations);
  const houseNumber = String(100 + Math.floor(identity() * 9900));
  const street = pick(identity, STREETS);
  const suffix = pick(identity, SUFFIXES);
  const address = profile.fixedWidthAddress
    ? `${houseNumber.padStart(5, "0")}     ${street.padEnd(28)}${suffix}`
    : `${houseNumber} ${street} ${suffix}`;
  const premiseType = pick(identity, PREMISE_TYPES);
  const [subtypeCode, subtypeDescription] = profile.hasSubtype ? pick(identity, SUBTYPES) : ["", ""];
  const ams = random() < 0.9 ? "Y" : "N";
  const common = {
    esiid: profile.esiidPrefix + digits(identity, profile.esiidLength - profile.esiidPrefix.length),
    address: address + " ".repeat(addressPadding),
    overflow: identity() < 0.15 ? `APT ${1 + Math.floor(identity() * 40)}` : "",
    cycle: String(1 + Math.floor(identity() * 20)).padStart(2, "0"),
  };
  const fields = [
    common.esiid,
    common.address,
    common.overflow,
    place.city,
    "TX",
    place.zip,
    ...(layout === 22 ? [place.county] : []),
    profile.duns,
    common.cycle,
    pick(random, STATUSES),
    premiseType,
    "ERCOT",
    stationCode,
    stationName,
    random() < 0.97 ? "Y" : "N",
    pick(random, SERVICE_ORDERS),
    premiseType || "Residential",
    ams,
    ams === "Y" ? pick(random, ["AMSR", "AMSM"]) : "",
    random() < 0.05 ? "Y" : "N",
  ];
  return layout === 22 ? [...fields, subtypeCode, subtypeDescription] : fields;
}

/** Rows shorter than this never need padding beyond it, so the final row can always absorb the remainder. */
const FINAL_ROW_RESERVE = 1024;

/**
 * A headerless ERCOT-style CSV of exactly `spec.bytes` bytes, generated as it is read:
 * memory stays flat whatever the size.
 */
export function csvStream(spec: CsvSpec): Readable {
  const profile = PROFILES[spec.tdsp] ?? FALLBACK_PROFILE;
  const random = seededRandom(spec.seed);
  let remaining = spec.bytes;
  let nextPremise = 0;
  const dailyPool = Math.max(1, Math.round((4.4 * spec.bytes) / TYPICAL_ROW_BYTES));
  const identityOf = (rowSeed: number) => {
    if (!spec.kind) return undefined;
    const index = spec.kind === "FUL" ? nextPremise++ : Math.floor(seededRandom(rowSeed ^ 0x5bd1e995)() * dailyPool);
    return premiseRandom(spec.tdsp, index);
  };
  return new Readable({
    read(size) {
      const lines: string[] = [];
      let produced = 0;
      while (remaining > 0 && produced < Math.max(size, 64 * 1024)) {
        const rowSeed = Math.floor(random() * 2 ** 32);
        const identity = identityOf(rowSeed);
        const identitySeed = identity ? Math.floor(identity() * 2 ** 32) : 0;
        const renderRow = (padding: number) => {
          const rowRandom = seededRandom(rowSeed);
          const rowIdentity = identity ? seededRandom(identitySeed) : rowRandom;
          return (
            rowFields(rowRandom, profile, spec.layout, padding, rowIdentity).map(csvField).join(",") + spec.lineEnding
          );
        };
        let line = renderRow(0);
        if (remaining - line.length < FINAL_ROW_RESERVE) {
          const padding = remaining - line.length;
          if (padding < 0) {
            this.destroy(new Error(`A CSV of ${spec.bytes} bytes is too small for one row.`));
            return;
          }
          line = renderRow(padding);
        }
        lines.push(line);
        produced += line.length;
        remaining -= line.length;
      }
      this.push(Buffer.from(lines.join(""), "latin1"));
      if (remaining === 0) this.push(null);
    },
  });
}
