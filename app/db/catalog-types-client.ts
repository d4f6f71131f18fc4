import pg from "pg";

// @prisma/adapter-pg 6.19 cannot deserialize PostgreSQL catalog types (prisma/orm#27403):
// report "char", name and their arrays as text so migrate and catalog queries work.
const CATALOG_TYPES_AS_TEXT: Record<number, number> = { 18: 25, 19: 25, 1002: 1009, 1003: 1009 };

function reportCatalogTypesAsText<T>(result: T): T {
  for (const r of Array.isArray(result) ? result : [result]) {
    for (const field of (r as { fields?: { dataTypeID: number }[] })?.fields ?? []) {
      const mapped = CATALOG_TYPES_AS_TEXT[field.dataTypeID];
      if (mapped) field.dataTypeID = mapped;
    }
  }
  return result;
}

export class CatalogTypesClient extends pg.Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query(...args: any[]): any {
    const callback = typeof args[args.length - 1] === "function" ? args.pop() : undefined;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const pending = (super.query as any)(...args);
    if (callback) {
      pending.then(
        (r: unknown) => callback(null, reportCatalogTypesAsText(r)),
        (e: unknown) => callback(e),
      );
      return undefined;
    }
    return pending && typeof pending.then === "function" ? pending.then(reportCatalogTypesAsText) : pending;
  }
}
