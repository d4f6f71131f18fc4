import { describe, expect, it } from "vitest";
import { columnWords, isSecretColumn } from "./masking";

describe("secret column masking", () => {
  it("splits camelCase, PascalCase, acronyms and snake_case into words", () => {
    expect(columnWords("refreshToken")).toEqual(["refresh", "token"]);
    expect(columnWords("API_KEY")).toEqual(["api", "key"]);
    expect(columnWords("s3SecretAccessKey")).toEqual(["s3", "secret", "access", "key"]);
    expect(columnWords("HTTPPassword")).toEqual(["http", "password"]);
  });

  it.each([
    "password",
    "passwordHash",
    "apiKey",
    "api_key",
    "refresh_token",
    "clientSecret",
    "privateKey",
    "secrets",
    "sessionToken",
  ])("masks %s", (name) => expect(isSecretColumn(name)).toBe(true));

  it.each([
    "storageKey",
    "storage_key",
    "objectKey",
    "idempotencyKey",
    "publicKey",
    "keyboard",
    "tokenizer",
    "monkey",
    "sha256",
    "sourceUrl",
    "filename",
  ])("does not mask %s", (name) => expect(isSecretColumn(name)).toBe(false));
});
