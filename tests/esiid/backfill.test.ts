import { spawn } from "node:child_process";
import { expect, it } from "vitest";
import { db } from "~/db/prisma.server";
import { CP, line22, storeExtract } from "./stored-extracts";

function backfill(...args: string[]) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn("npx", ["tsx", "scripts/esiid/backfill.ts", ...args], { env: process.env });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("close", (code) => resolve({ code, output }));
  });
}

it("npm run esiid:backfill applies stored extracts not yet applied, and says when there is nothing to do", async () => {
  const ful = await storeExtract({
    tdsp: CP,
    kind: "FUL",
    publishedAt: "2026-09-07T23:11:58Z",
    csv: `${line22({ esiid: "1008901000000000000001" })}\n${line22({ esiid: "1008901000000000000002" })}\n`,
  });
  const first = await backfill();
  expect(first.code).toBe(0);
  expect(first.output).toContain(`CENTERPOINT FUL DocID ${ful}: applied, 2 rows, 0 changes`);
  expect(await db().esiidPremise.count()).toBe(2);

  const second = await backfill();
  expect(second.code).toBe(0);
  expect(second.output).toContain("Nothing to apply: every stored extract is already applied.");

  const all = await backfill("--all");
  expect(all.output).toContain(`DocID ${ful}: applied, 2 rows`);
  expect(await db().esiidPremise.count()).toBe(2);
}, 120_000);
