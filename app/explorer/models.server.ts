// The one module that reads Prisma's model metadata (DMMF). Prisma does not promise DMMF as a stable
// API, and with engineType = "client" it is the pruned runtime data model: names, kinds, types,
// @map names and relation names, but no primary keys, nullability, enum values or foreign-key
// fields. Those come from the PostgreSQL catalog of the same tables, so a new model appears with
// no code change and every SQL identifier comes from metadata, never from a request.
import { Prisma } from "@prisma/client";
import type pg from "pg";
import { isSecretColumn } from "./masking";
import { getEnv } from "~/env/env.server";
import { readOnly } from "./pool.server";
import { quoteIdentifier } from "./sql.server";
import type { ColumnKind, ExplorerColumn, ExplorerModel, ExplorerRelation, RowCount } from "./types";

interface DmmfField {
  name: string;
  kind: string;
  type: string;
  relationName?: string;
  dbName?: string | null;
}
interface DmmfModel {
  name: string;
  dbName?: string | null;
  fields: DmmfField[];
}

export function dmmfModels(): DmmfModel[] {
  return (Prisma.dmmf.datamodel.models as unknown as DmmfModel[]).map((model) => ({
    ...model,
    fields: [...model.fields],
  }));
}

interface CatalogColumn {
  table: string;
  column: string;
  nullable: boolean;
  sqlType: string;
  typeCategory: string;
  enumLabels: string[] | null;
}
interface CatalogIndex {
  table: string;
  primary: boolean;
  unique: boolean;
  columns: string[];
  /** Access method: btree indexes order rows; a gin index with gin_trgm_ops serves substring search. */
  method: string;
  trigram: boolean;
}
interface CatalogForeignKey {
  fromTable: string;
  toTable: string;
  fromColumns: string[];
  toColumns: string[];
}

type CatalogSnapshot = { columns: CatalogColumn[]; indexes: CatalogIndex[]; foreignKeys: CatalogForeignKey[] };

async function readCatalog(client: pg.PoolClient, tables: string[]): Promise<CatalogSnapshot> {
  const columns = await client.query<CatalogColumn>(
    `SELECT c.relname::text AS "table", a.attname::text AS "column", NOT a.attnotnull AS nullable,
            format_type(a.atttypid, a.atttypmod) AS "sqlType", t.typcategory::text AS "typeCategory",
            CASE WHEN t.typtype = 'e' THEN ARRAY(
              SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder
            ) END AS "enumLabels"
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_type t ON t.oid = a.atttypid
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
        AND c.relname = ANY($1::text[])
      ORDER BY c.relname, a.attnum`,
    [tables],
  );
  const indexes = await client.query<CatalogIndex>(
    `SELECT c.relname::text AS "table", i.indisprimary AS primary, i.indisunique AS unique,
            ARRAY(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
            am.amname::text AS method,
            EXISTS (SELECT 1 FROM unnest(i.indclass) oc JOIN pg_opclass o ON o.oid = oc
                     WHERE o.opcname = 'gin_trgm_ops') AS trigram
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_class ic ON ic.oid = i.indexrelid
       JOIN pg_am am ON am.oid = ic.relam
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relname = ANY($1::text[])
      ORDER BY i.indisprimary DESC, i.indexrelid`,
    [tables],
  );
  const foreignKeys = await client.query<CatalogForeignKey>(
    `SELECT src.relname::text AS "fromTable", dst.relname::text AS "toTable",
            ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
                   ORDER BY k.ord) AS "fromColumns",
            ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
                   ORDER BY k.ord) AS "toColumns"
       FROM pg_constraint con
       JOIN pg_class src ON src.oid = con.conrelid
       JOIN pg_class dst ON dst.oid = con.confrelid
       JOIN pg_namespace n ON n.oid = src.relnamespace
      WHERE con.contype = 'f' AND n.nspname = current_schema() AND src.relname = ANY($1::text[])
      ORDER BY con.oid`,
    [tables],
  );
  return { columns: columns.rows, indexes: indexes.rows, foreignKeys: foreignKeys.rows };
}

function columnKind(prismaType: string, fieldKind: string, catalog: CatalogColumn): ColumnKind {
  if (catalog.typeCategory === "A") return "json";
  if (fieldKind === "enum" || catalog.enumLabels) return "enum";
  switch (prismaType) {
    case "String":
      return "text";
    case "Int":
      return "int";
    case "BigInt":
      return "bigint";
    case "Float":
      return "float";
    case "Decimal":
      return "decimal";
    case "Boolean":
      return "boolean";
    case "DateTime":
      return catalog.sqlType === "date" ? "date" : "datetime";
    case "Json":
      return "json";
    case "Bytes":
      return "bytes";
    default:
      return "text";
  }
}

/** Builds explorer models from DMMF plus catalog rows; pure so it can be tested without a database. */
export function buildModels(models: DmmfModel[], catalog: CatalogSnapshot): ExplorerModel[] {
  const tableOf = (model: DmmfModel) => model.dbName ?? model.name;
  const built: ExplorerModel[] = [];
  for (const model of models) {
    const table = tableOf(model);
    const catalogColumns = catalog.columns.filter((c) => c.table === table);
    if (catalogColumns.length === 0) continue; // model not migrated yet
    const tableIndexes = catalog.indexes.filter((i) => i.table === table);
    const identity = tableIndexes.find((i) => i.primary) ?? tableIndexes.find((i) => i.unique);
    const fieldByColumn = new Map(model.fields.filter((f) => f.kind !== "object").map((f) => [f.dbName ?? f.name, f]));

    const columns: ExplorerColumn[] = [];
    for (const field of model.fields) {
      if (field.kind === "object" || field.kind === "unsupported") continue;
      const dbName = field.dbName ?? field.name;
      const catalogColumn = catalogColumns.find((c) => c.column === dbName);
      if (!catalogColumn) continue;
      columns.push({
        name: field.name,
        dbName,
        sqlType: catalogColumn.sqlType,
        kind: columnKind(field.type, field.kind, catalogColumn),
        nullable: catalogColumn.nullable,
        masked: isSecretColumn(field.name),
        isPrimaryKey: identity?.columns.includes(dbName) ?? false,
        leadsIndex: tableIndexes.some((i) => i.method === "btree" && i.columns[0] === dbName),
        trigramIndexed: tableIndexes.some((i) => i.trigram && i.columns.length === 1 && i.columns[0] === dbName),
        enumValues: catalogColumn.enumLabels,
      });
    }
    const primaryKey = (identity?.columns ?? []).map((c) => fieldByColumn.get(c)?.name ?? c);

    const relations: ExplorerRelation[] = [];
    for (const field of model.fields) {
      if (field.kind !== "object") continue;
      const target = models.find((m) => m.name === field.type);
      if (!target) continue;
      const targetTable = tableOf(target);
      const targetFieldByColumn = new Map(
        target.fields.filter((f) => f.kind !== "object").map((f) => [f.dbName ?? f.name, f.name]),
      );
      const outgoing = catalog.foreignKeys.find((fk) => fk.fromTable === table && fk.toTable === targetTable);
      const incoming = catalog.foreignKeys.find((fk) => fk.fromTable === targetTable && fk.toTable === table);
      if (outgoing) {
        relations.push({
          name: field.name,
          targetModel: target.name,
          kind: "toOne",
          localFields: outgoing.fromColumns.map((c) => fieldByColumn.get(c)?.name ?? c),
          remoteFields: outgoing.toColumns.map((c) => targetFieldByColumn.get(c) ?? c),
        });
      } else if (incoming) {
        relations.push({
          name: field.name,
          targetModel: target.name,
          kind: "toMany",
          localFields: incoming.toColumns.map((c) => fieldByColumn.get(c)?.name ?? c),
          remoteFields: incoming.fromColumns.map((c) => targetFieldByColumn.get(c) ?? c),
        });
      }
    }
    const btreeIndexes = tableIndexes
      .filter((i) => i.method === "btree")
      .map((i) => i.columns.map((c) => fieldByColumn.get(c)?.name ?? c));
    built.push({ name: model.name, table, primaryKey, btreeIndexes, columns, relations });
  }
  return built;
}

const METADATA_TTL_MS = 60_000;
let cache: { url: string; at: number; models: Promise<ExplorerModel[]> } | undefined;

/** All models, refreshed at most once a minute so a migration shows up without a restart. */
export async function listModels(): Promise<ExplorerModel[]> {
  const url = getEnv().databaseUrl ?? "";
  if (!cache || cache.url !== url || Date.now() - cache.at > METADATA_TTL_MS) {
    const models = dmmfModels();
    const tables = models.map((m) => m.dbName ?? m.name);
    const pending = readOnly((client) => readCatalog(client, tables)).then((catalog) => buildModels(models, catalog));
    cache = { url, at: Date.now(), models: pending };
    pending.catch(() => (cache = undefined));
  }
  return cache.models;
}

/** Below this many rows a count is exact and cheap; above it the planner's estimate is used. */
export const EXACT_COUNT_LIMIT = 10_000;

/**
 * Never counts a whole table: reads pg_class.reltuples, and counts exactly only up to
 * EXACT_COUNT_LIMIT + 1 rows when the estimate says the table is small (or was never analysed).
 */
export async function rowCounts(models: ExplorerModel[]): Promise<Map<string, RowCount>> {
  const url = getEnv().databaseUrl ?? "";
  const now = Date.now();
  const fresh = models.map((m) => countCache.get(`${url}|${m.name}`)).filter((c) => c && now - c.at < COUNT_TTL_MS);
  if (fresh.length === models.length) return new Map(models.map((m, i) => [m.name, fresh[i]!.count]));
  const counts = await readRowCounts(models);
  for (const [name, count] of counts) countCache.set(`${url}|${name}`, { at: now, count });
  return counts;
}

// A page request needs the size class of its table, not a to-the-row count: reuse it for a few seconds.
const COUNT_TTL_MS = 5_000;
const countCache = new Map<string, { at: number; count: RowCount }>();

async function readRowCounts(models: ExplorerModel[]): Promise<Map<string, RowCount>> {
  const { rows } = await readOnly((client) =>
    client.query<{ table: string; estimate: number }>(
      `SELECT c.relname::text AS "table", c.reltuples::float8 AS estimate
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relname = ANY($1::text[])`,
      [models.map((m) => m.table)],
    ),
  );
  const estimates = new Map(rows.map((r) => [r.table, Number(r.estimate)]));
  const counts = new Map<string, RowCount>();
  await Promise.all(
    models.map(async (model) => {
      const estimate = estimates.get(model.table) ?? -1;
      if (estimate > EXACT_COUNT_LIMIT * 10)
        return counts.set(model.name, { kind: "estimate", value: Math.round(estimate) });
      const exact = await readOnly((client) => boundedCount(client, model));
      if (exact <= EXACT_COUNT_LIMIT) return counts.set(model.name, { kind: "exact", value: exact });
      counts.set(
        model.name,
        estimate > 0
          ? { kind: "estimate", value: Math.round(estimate) }
          : { kind: "atLeast", value: EXACT_COUNT_LIMIT },
      );
    }),
  );
  return counts;
}

export async function boundedCount(client: pg.PoolClient, model: ExplorerModel): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    `SELECT count(*) AS n FROM (SELECT 1 FROM ${quoteIdentifier(model.table)} LIMIT ${EXACT_COUNT_LIMIT + 1}) bounded`,
  );
  return Number(rows[0].n);
}
