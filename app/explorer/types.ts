/** Display and filter families; derived from the Prisma field type and the PostgreSQL column type. */
export type ColumnKind =
  | "text"
  | "int"
  | "bigint"
  | "float"
  | "decimal"
  | "boolean"
  | "datetime"
  | "date"
  | "json"
  | "bytes"
  | "enum";

export interface ExplorerColumn {
  /** Prisma field name: what URLs and the UI use. */
  name: string;
  /** Database column name (the field's @map, else its name). */
  dbName: string;
  /** PostgreSQL type as format_type() spells it, quoted where needed: the cast for bound parameters. */
  sqlType: string;
  kind: ColumnKind;
  nullable: boolean;
  masked: boolean;
  isPrimaryKey: boolean;
  /** True when a btree index starts with this column, so sorting and range filters on it are cheap. */
  leadsIndex: boolean;
  /** True when a pg_trgm GIN index covers this column, so substring search on it is cheap. */
  trigramIndexed: boolean;
  enumValues: string[] | null;
}

export interface ExplorerRelation {
  /** Prisma relation field name, e.g. `rawFile` or `intervals`. */
  name: string;
  targetModel: string;
  kind: "toOne" | "toMany";
  /** Pairs of (this model's field, target model's field), in foreign-key order. */
  localFields: string[];
  remoteFields: string[];
}

export interface ExplorerModel {
  name: string;
  table: string;
  primaryKey: string[];
  /** Field names of each btree index, in index order. */
  btreeIndexes: string[][];
  columns: ExplorerColumn[];
  relations: ExplorerRelation[];
}

/** How many rows a filtered view matches: exact up to the exact-count limit, else "more than", or unknown. */
export type MatchCount = { kind: "exact"; value: number } | { kind: "moreThan"; value: number } | { kind: "unknown" };

export type RowCount =
  | { kind: "exact"; value: number }
  | { kind: "estimate"; value: number }
  /** The table was never analysed and holds more rows than the exact-count limit. */
  | { kind: "atLeast"; value: number };

/** One cell as it travels to the browser: exact strings for BigInt, Decimal and dates. */
export type CellValue =
  | null
  | string
  | number
  | boolean
  | { json: string }
  | { bytes: { size: number; hexPreview: string } }
  | { masked: true }
  | { text: string; truncatedFrom: number };

export type ExplorerRow = Record<string, CellValue>;

export type ModelLookup = (name: string) => ExplorerModel | undefined;

export interface RelationLink {
  model: string;
  /** Row token when the foreign key points at the target's primary key. */
  pk: string | null;
  /** Otherwise equality filters on the target table. */
  filters: [string, string][];
}

export interface PageRow {
  cells: ExplorerRow;
  /** Primary-key token for the row page. */
  pk: string;
  /** Links for to-one relations, by the foreign-key field they start from. */
  links: Record<string, RelationLink>;
}

export interface PageResult {
  rows: PageRow[];
  paging: "keyset" | "offset";
  nextCursor: string | null;
  prevCursor: string | null;
  hasNext: boolean;
  hasPrev: boolean;
  page: number;
  /** Exact count of matching rows, only when the table is small enough to count (offset paging). */
  matching: number | null;
  /** Sentences about cursors that no longer fit the view. */
  problems: string[];
}
