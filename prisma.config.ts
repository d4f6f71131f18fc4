// Prisma 6.19 with the JavaScript schema engine: no native binary is downloaded (see docs/decisions/001).
// Connections come from app/db/connection.server.ts, like every other path: our schema, its search_path, TLS.
import { defineConfig } from "prisma/config";
import { databaseTargetFromEnv, prismaAdapter } from "./app/db/connection.server";

export default defineConfig({
  experimental: { adapter: true },
  schema: "prisma/schema.prisma",
  engine: "js",
  adapter: async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- patched below with adapter-pg internals
    const factory: any = prismaAdapter(databaseTargetFromEnv());
    // adapter-pg 6.19 splits migration scripts on every ";", which breaks DO $$ … $$ blocks:
    // send each script whole, as the native engine does (simple query protocol allows several statements).
    const connect = factory.connect.bind(factory);
    factory.connect = async () => {
      const connection = await connect();
      connection.executeScript = async (script: string) => {
        try {
          await connection.underlyingDriver().query(script);
        } catch (error) {
          connection.onError(error);
        }
      };
      return connection;
    };
    const openShadow = factory.connectToShadowDb.bind(factory);
    // adapter-pg 6.19 drops the shadow database before closing the pool that uses it: close first, then drop.
    factory.connectToShadowDb = async () => {
      const shadow = await openShadow();
      shadow.dispose = async () => {
        const pool = shadow.underlyingDriver();
        await pool.end();
        const admin = await factory.connect();
        await admin.executeScript(`DROP DATABASE IF EXISTS "${pool.options.database}"`);
        await admin.dispose();
      };
      return shadow;
    };
    return factory;
  },
});
