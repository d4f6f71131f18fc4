import type { TestProject } from "vitest/node";
import { buildApp } from "./build";
import { startTestS3, type TestS3 } from "./s3-server";
import { startTestPostgres } from "./test-database";

declare module "vitest" {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    s3: TestS3;
  }
}

/** One PostgreSQL and one s3rver for the whole run; each test file gets its own database. */
export default async function setup(project: TestProject) {
  buildApp();
  const [postgres, s3] = await Promise.all([startTestPostgres(), startTestS3()]);
  project.provide("postgresAdminUrl", postgres.adminUrl);
  project.provide("s3", s3.s3);
  return async () => {
    await Promise.allSettled([postgres.stop(), s3.stop()]);
  };
}
