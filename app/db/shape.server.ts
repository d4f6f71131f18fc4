// Shapes, not names: each of our tables must have the columns, types and keys our migrations define. The
// expected shape is what the migration files themselves build, applied in a throwaway schema inside a
// transaction that is rolled back, so nothing is left behind and no second description can drift.
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type pg from "pg";
import { type DatabaseTarget, searchPath, withClient } from "./connection.server";
import { MIGRATIONS_DIR, migrationNames, migrationRecords } from "./migrations.server";

export interface TableShape {
  /** column → "type not null" */
  columns: Map<string, string>;
  primaryKey: string;
  /** Column lists of unique constraints and unique indexes, e.g. "(esiid, meter)". */
  uniques: Set<string>;
}

export type SchemaShape = Map<string, TableShape>;

async function readShape(client: pg.Client, schema: string): Promise<SchemaShape> {
  const { rows: columns } = await client.query<{ table: string; column: string; type: string }>(
    `SELECT c.relname AS table, a.attname AS column,
            format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END AS type
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
        AND c.relname <> '_prisma_migrations'
      ORDER BY c.relname, a.attnum`,
    [schema],
  );
  const { rows: keys } = await client.query<{ table: string; primary: boolean; columns: string }>(
    `SELECT c.relname AS table, i.indisprimary AS primary,
            '(' || string_agg(a.attname, ', ' ORDER BY k.ord) || ')' AS columns
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
      WHERE n.nspname = $1 AND i.indisunique
      GROUP BY c.relname, i.indexrelid, i.indisprimary`,
    [schema],
  );
  const shape: SchemaShape = new Map();
  for (const { table, column, type } of columns) {
    if (!shape.has(table)) shape.set(table, { columns: new Map(), primaryKey: "(none)", uniques: new Set() });
    shape.get(table)!.columns.set(column, type);
  }
  for (const key of keys) {
    const table = shape.get(key.table);
    if (!table) continue;
    if (key.primary) table.primaryKey = key.columns;
    else table.uniques.add(key.columns);
  }
  return shape;
}

/** The shape the given migrations build, from their own SQL, in a schema that is rolled back. */
export async function migrationsShape(client: pg.Client, names: string[]): Promise<SchemaShape> {
  const scratch = `shape_check_${randomBytes(6).toString("hex")}`;
  await client.query("BEGIN");
  try {
    await client.query(`CREATE SCHEMA ${scratch}`);
    await client.query(`SET LOCAL search_path TO ${searchPath(scratch)}`);
    for (const name of names) {
      await client.query(await readFile(path.join(MIGRATIONS_DIR, name, "migration.sql"), "utf8"));
    }
    return await readShape(client, scratch);
  } finally {
    await client.query("ROLLBACK");
  }
}

/** What differs between a live table and the expected one, in words; empty when they match. */
export function tableDifferences(expected: TableShape, live: TableShape): string[] {
  const differences: string[] = [];
  const missing = [...expected.columns].filter(([name]) => !live.columns.has(name));
  const unexpected = [...live.columns.keys()].filter((name) => !expected.columns.has(name));
  const changed = [...expected.columns].filter(
    ([name, type]) => live.columns.has(name) && live.columns.get(name) !== type,
  );
  if (missing.length) differences.push(`missing ${missing.map(([name, type]) => `${name} (${type})`).join(", ")}`);
  if (unexpected.length) differences.push(`unexpected ${unexpected.join(", ")}`);
  for (const [name, type] of changed) differences.push(`${name} is ${live.columns.get(name)}, expected ${type}`);
  if (expected.primaryKey !== live.primaryKey)
    differences.push(`primary key is ${live.primaryKey}, expected ${expected.primaryKey}`);
  for (const unique of expected.uniques) if (!live.uniques.has(unique)) differences.push(`no unique key on ${unique}`);
  for (const unique of live.uniques)
    if (!expected.uniques.has(unique)) differences.push(`unexpected unique key on ${unique}`);
  return differences;
}

export class ShapeMismatchError extends Error {}

/**
 * Compares each of our tables that exists with what the migrations define: the applied ones for a table they
 * created, all of them for a table no applied migration created (one the next migrate would silently adopt).
 * Returns one sentence per table that differs.
 */
export async function shapeProblems(target: DatabaseTarget): Promise<string[]> {
  return withClient(target, async (client) => {
    const all = await migrationNames();
    const applied = new Set(
      (await migrationRecords(client, target.schema))
        .filter((record) => record.finished_at && !record.rolled_back_at)
        .map((record) => record.migration_name),
    );
    const expectedAll = await migrationsShape(client, all);
    const expectedApplied =
      applied.size === all.length
        ? expectedAll
        : await migrationsShape(
            client,
            all.filter((name) => applied.has(name)),
          );
    const live = await readShape(client, target.schema);
    const problems: string[] = [];
    for (const [table, expectedFinal] of expectedAll) {
      const liveTable = live.get(table);
      if (!liveTable) continue;
      const differences = tableDifferences(expectedApplied.get(table) ?? expectedFinal, liveTable);
      if (differences.length)
        problems.push(
          `Table "${target.schema}"."${table}" does not have the shape our migrations define: ${differences.join("; ")}.`,
        );
    }
    return problems;
  });
}

/** Throws one message naming every table that differs, and what to do; nothing in the database is changed. */
export async function assertShapes(target: DatabaseTarget): Promise<void> {
  const problems = await shapeProblems(target);
  if (!problems.length) return;
  throw new ShapeMismatchError(
    [
      ...problems,
      `Nothing was changed. These tables were not made by this portal's migrations: point DATABASE_SCHEMA at a schema ` +
        `of the portal's own (default "portal"; it is created when missing), or move the foreign tables out of ` +
        `"${target.schema}". See docs/migrating-from-the-old-portal.md.`,
    ].join("\n"),
  );
}
