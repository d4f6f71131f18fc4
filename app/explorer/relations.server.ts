// Where a relation leads: links for to-one relations and the filters that select a to-many relation's rows.
import { encodeToken } from "./token.server";
import type { ExplorerRow, ModelLookup, RelationLink } from "./types";
import type { ExplorerModel } from "./types";
import type { Filter } from "./view";

export function relationLink(
  targetName: string,
  remoteFields: string[],
  values: string[],
  lookup: ModelLookup,
): RelationLink {
  const target = lookup(targetName);
  const pointsAtPrimaryKey =
    target &&
    target.primaryKey.length === remoteFields.length &&
    target.primaryKey.every((f) => remoteFields.includes(f));
  if (target && pointsAtPrimaryKey) {
    return {
      model: targetName,
      pk: encodeToken(target.primaryKey.map((f) => values[remoteFields.indexOf(f)])),
      filters: [],
    };
  }
  return { model: targetName, pk: null, filters: remoteFields.map((f, i) => [f, values[i]]) };
}

/** The filters that select a to-many relation's rows for one parent row. */
export function toManyFilters(
  model: ExplorerModel,
  relationName: string,
  parentCells: ExplorerRow,
  pkValues: (string | null)[],
): Filter[] | null {
  const relation = model.relations.find((r) => r.name === relationName && r.kind === "toMany");
  if (!relation) return null;
  const filters: Filter[] = [];
  for (const [i, local] of relation.localFields.entries()) {
    const pkIndex = model.primaryKey.indexOf(local);
    const value = pkIndex >= 0 ? pkValues[pkIndex] : parentCells[local];
    if (value === null || typeof value === "object") return null;
    filters.push({ relation: null, field: relation.remoteFields[i], op: "eq", value: String(value) });
  }
  return filters;
}
