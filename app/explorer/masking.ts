/**
 * Which columns the explorer masks. A column is secret when one of its words (camelCase and
 * snake_case parts) is a secret word, so `apiKey`, `refresh_token` and `passwordHash` are masked
 * while `keyboard`, `tokenizer` and `monkey` are not. Names in NON_SECRET_COLUMNS hold a key that
 * names a location or an identifier, not a credential. See docs/decisions/001-explorer-metadata-and-safety.md.
 */
const SECRET_WORDS = new Set([
  "secret",
  "secrets",
  "token",
  "tokens",
  "password",
  "passwords",
  "passwd",
  "key",
  "keys",
  "apikey",
  "privatekey",
]);

/** Normalised (snake_case) names that contain a secret word but are not secrets. */
const NON_SECRET_COLUMNS = new Set([
  "storage_key",
  "object_key",
  "s3_key",
  "sort_key",
  "partition_key",
  "cache_key",
  "idempotency_key",
  "dedupe_key",
  "primary_key",
  "foreign_key",
  "public_key",
  "token_count",
]);

export function columnWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

export function isSecretColumn(name: string): boolean {
  const words = columnWords(name);
  if (NON_SECRET_COLUMNS.has(words.join("_"))) return false;
  return words.some((word) => SECRET_WORDS.has(word));
}
