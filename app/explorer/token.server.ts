// Row identity tokens: primary keys and keyset cursors travel as base64url JSON arrays of text.

export function encodeToken(values: (string | number | boolean | null)[]): string {
  return Buffer.from(JSON.stringify(values.map((v) => (v === null ? null : String(v))))).toString("base64url");
}

/** The token's values, or null when it is not an array of `length` strings or nulls. */
export function decodeToken(token: string | null, length: number): (string | null)[] | null {
  if (!token) return null;
  try {
    const values: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (Array.isArray(values) && values.length === length && values.every((v) => v === null || typeof v === "string"))
      return values as (string | null)[];
  } catch {
    // fall through: a mangled token is reported by the caller
  }
  return null;
}
