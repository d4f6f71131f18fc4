// One row by its primary-key token, with its to-one relations read in the same transaction.
import type pg from "pg";
import { readOnly } from "./pool.server";
import { relationLink } from "./relations.server";
import { identitySelection, selectionFor } from "./selection.server";
import { castType, columnSql, quoteIdentifier, SqlParams } from "./sql.server";
import type { ExplorerModel, ExplorerRelation, ExplorerRow, ModelLookup, RelationLink } from "./types";
import { columnOf } from "./view";
import { primaryKeyCondition } from "./where.server";

export interface RowResult {
  cells: ExplorerRow;
  toOne: { relation: string; targetModel: string; link: RelationLink | null; cells: ExplorerRow | null }[];
}

/** The row with these primary-key values, or null; its to-one relations are read in the same transaction. */
export async function queryRow(
  model: ExplorerModel,
  values: (string | null)[],
  lookup: ModelLookup,
): Promise<RowResult | null> {
  return readOnly(async (client) => {
    const params = new SqlParams();
    const selection = selectionFor(model.columns, "row");
    const toOneRelations = model.relations.filter((r) => r.kind === "toOne");
    const fkColumns = [...new Set(toOneRelations.flatMap((r) => r.localFields.map((f) => columnOf(model, f)!)))];
    const identity = identitySelection(fkColumns);
    const { rows } = await client.query<Record<string, unknown>>(
      `SELECT ${[selection.sql, identity.sql].filter(Boolean).join(", ")} FROM ${quoteIdentifier(model.table)} t` +
        ` WHERE ${primaryKeyCondition(model, values, params)}`,
      params.values,
    );
    if (!rows[0]) return null;
    const raw = identity.read(rows[0]);
    const toOne: RowResult["toOne"] = [];
    for (const relation of toOneRelations) {
      const localValues = relation.localFields.map((f) => raw.get(f) ?? null);
      toOne.push(await relatedRow(client, relation, localValues, lookup));
    }
    return { cells: selection.decode(rows[0]), toOne };
  });
}

async function relatedRow(
  client: pg.PoolClient,
  relation: ExplorerRelation,
  localValues: (string | null)[],
  lookup: ModelLookup,
): Promise<RowResult["toOne"][number]> {
  const target = lookup(relation.targetModel);
  if (!target || localValues.some((v) => v === null))
    return { relation: relation.name, targetModel: relation.targetModel, link: null, cells: null };
  const params = new SqlParams();
  const match = relation.remoteFields
    .map((f, i) => {
      const column = columnOf(target, f)!;
      return `${columnSql(column, "t")} = ${params.bind(localValues[i], castType(column))}`;
    })
    .join(" AND ");
  const selection = selectionFor(target.columns, "table");
  const related = await client.query<Record<string, unknown>>(
    `SELECT ${selection.sql} FROM ${quoteIdentifier(target.table)} t WHERE ${match} LIMIT 1`,
    params.values,
  );
  return {
    relation: relation.name,
    targetModel: relation.targetModel,
    link: relationLink(relation.targetModel, relation.remoteFields, localValues as string[], lookup),
    cells: related.rows[0] ? selection.decode(related.rows[0]) : null,
  };
}
