/**
 * The TDSP ESIID Extract's columns, in file order, with the EsiidPremise column each one lands in.
 * The current layout has 22 columns; the legacy one has 19 (no COUNTY, no premise subtype).
 */
export const EXTRACT_COLUMNS = [
  { column: "esiid", label: "ESIID" },
  { column: "address", label: "Address" },
  { column: "addressOverflow", label: "Address overflow" },
  { column: "city", label: "City" },
  { column: "state", label: "State" },
  { column: "zipcode", label: "ZIP code" },
  { column: "county", label: "County" },
  { column: "duns", label: "TDSP DUNS" },
  { column: "meterReadCycle", label: "Meter read cycle" },
  { column: "status", label: "Status" },
  { column: "premiseType", label: "Premise type" },
  { column: "powerRegion", label: "Power region" },
  { column: "stationCode", label: "Station code" },
  { column: "stationName", label: "Station name" },
  { column: "metered", label: "Metered" },
  { column: "openServiceOrders", label: "Open service orders" },
  { column: "polrCustomerClass", label: "POLR customer class" },
  { column: "settlementAmsIndicator", label: "Settlement AMS indicator" },
  { column: "tdspAmsIndicator", label: "TDSP AMS indicator" },
  { column: "switchHoldIndicator", label: "Switch hold" },
  { column: "premiseSubtypeCode", label: "Premise subtype code" },
  { column: "premiseSubtypeDesc", label: "Premise subtype" },
] as const;

export type ExtractColumn = (typeof EXTRACT_COLUMNS)[number]["column"];

export type ExtractLayout = 22 | 19;

const LEGACY_ABSENT = new Set<ExtractColumn>(["county", "premiseSubtypeCode", "premiseSubtypeDesc"]);

/** For each layout, the file position of each EXTRACT_COLUMNS entry (-1: the layout does not carry it). */
export const FIELD_POSITIONS: Record<ExtractLayout, number[]> = {
  22: EXTRACT_COLUMNS.map((_, index) => index),
  19: (() => {
    let position = 0;
    return EXTRACT_COLUMNS.map(({ column }) => (LEGACY_ABSENT.has(column) ? -1 : position++));
  })(),
};

/** Columns whose change a DAILY records in EsiidPremiseChange: every extract column but the key. */
export const TRACKED_COLUMNS: ExtractColumn[] = EXTRACT_COLUMNS.map(({ column }) => column).filter(
  (column) => column !== "esiid",
);

export const COLUMN_LABELS: Record<string, string> = Object.fromEntries(
  EXTRACT_COLUMNS.map(({ column, label }) => [column, label]),
);
