import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { letPostgresUserReach } from "~/db/embedded.server";

const root = mkdtempSync(path.join(os.tmpdir(), "portal-reach-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const postgresCanEnter = (dir: string) =>
  spawnSync("su", ["postgres", "-s", "/bin/sh", "-c", `cd '${dir}'`]).status === 0;

// PostgreSQL runs as the postgres user only when the portal runs as root; elsewhere the helper has nothing to do.
describe.runIf(process.getuid?.() === 0)("embedded PostgreSQL under root", () => {
  it("lets the postgres user traverse a private project directory, without granting read", async () => {
    const project = path.join(root, "private-project");
    const data = path.join(project, ".data", "postgres");
    mkdirSync(data, { recursive: true });
    chmodSync(root, 0o700);
    chmodSync(project, 0o700);
    expect(postgresCanEnter(data)).toBe(false);

    const notices: string[] = [];
    await letPostgresUserReach(data, (line) => notices.push(line));

    expect(postgresCanEnter(data)).toBe(true);
    expect(statSync(project).mode & 0o777).toBe(0o701);
    expect(statSync(root).mode & 0o777).toBe(0o701);
    expect(notices.join("\n")).toContain(project);

    notices.length = 0;
    await letPostgresUserReach(data, (line) => notices.push(line));
    expect(notices).toEqual([]);
  });
});
