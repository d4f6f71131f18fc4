import path from "node:path";
import { loadOrCreateFakeErcotPki } from "./pki";
import { startFakeErcot } from "./server";
import type { ScenarioName } from "./scenario";

const port = Number(process.env.FAKE_ERCOT_PORT ?? 4010);
const ewsPort = Number(process.env.FAKE_ERCOT_EWS_PORT ?? 4443);
const scenario = process.env.FAKE_ERCOT_SCENARIO as ScenarioName | undefined;

// Same certificates at every start, so the exports printed last time keep working.
const pki = loadOrCreateFakeErcotPki(path.resolve(".data", "fake-ercot"));
const fake = await startFakeErcot({ port, ewsPort, today: process.env.FAKE_ERCOT_TODAY, scenario, pki });

console.log(`Fake ERCOT: MIS/API on ${fake.url}, EWS (mutual TLS) on ${fake.ewsUrl}`);
console.log(`Publishing ${fake.documents.length} documents up to ${fake.today} (Central). Switch scenarios with:`);
console.log(`  curl -X POST ${fake.url}/__fake/scenario -d '{"name":"maintenance-503"}'`);
console.log("\nPoint the portal at it with:\n");
for (const [name, value] of Object.entries(fake.env())) console.log(`export ${name}='${value}'`);

const shutdown = () => {
  void fake.stop().then(() => process.exit(0));
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
