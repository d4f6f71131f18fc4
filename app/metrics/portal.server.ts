import { collectDefaultMetrics, Gauge, register } from "prom-client";
import { db } from "~/db/prisma.server";
import { httpRequestDuration } from "./http.server";

const STATE_VALUE = { ok: 0, warn: 1, alert: 2 } as const;
/** Scrapes closer together than this share one set of queries. */
const SNAPSHOT_TTL_MS = 1_000;

/** Everything the database says, read once per scrape. */
async function readSnapshot() {
  const [runs, lastSuccess, lastFinished, stored, smtFiles, lastPost, checks] = await Promise.all([
    db().ingestRun.groupBy({ by: ["status"], _count: { _all: true } }),
    db().ingestRun.findFirst({
      where: { status: "succeeded" },
      orderBy: { finishedAt: "desc" },
      select: { finishedAt: true },
    }),
    db().ingestRun.findFirst({
      where: { finishedAt: { not: null } },
      orderBy: { finishedAt: "desc" },
      select: { startedAt: true, finishedAt: true },
    }),
    db().ercotIngest.aggregate({ where: { status: "stored" }, _count: { _all: true }, _sum: { sizeBytes: true } }),
    db().smtRawFile.groupBy({ by: ["status"], _count: { _all: true }, _sum: { rowsParsed: true, sizeBytes: true } }),
    db().smtRawFile.findFirst({
      where: { source: "webhook" },
      orderBy: { receivedAt: "desc" },
      select: { receivedAt: true },
    }),
    db().alertCheck.findMany({ select: { id: true, state: true } }),
  ]);
  return { runs, lastSuccess, lastFinished, stored, smtFiles, lastPost, checks };
}

type Snapshot = Awaited<ReturnType<typeof readSnapshot>>;
let cached: { at: number; snapshot: Promise<Snapshot> } | undefined;

function snapshot(): Promise<Snapshot> {
  if (!cached || Date.now() - cached.at > SNAPSHOT_TTL_MS) {
    cached = { at: Date.now(), snapshot: readSnapshot() };
    cached.snapshot.catch(() => (cached = undefined));
  }
  return cached.snapshot;
}

function gauge<L extends string>(
  name: string,
  help: string,
  labelNames: L[],
  fill: (gauge: Gauge<L>, now: Snapshot) => void,
) {
  return new Gauge<L>({
    name,
    help,
    labelNames,
    async collect() {
      this.reset();
      fill(this, await snapshot());
    },
  });
}

function registerPortalMetrics() {
  collectDefaultMetrics();
  httpRequestDuration();
  gauge("portal_ercot_runs", "ERCOT ingest runs by status.", ["status"], (metric, now) => {
    for (const status of ["running", "succeeded", "partial", "failed", "abandoned"]) metric.set({ status }, 0);
    for (const row of now.runs) metric.set({ status: row.status }, row._count._all);
  });
  gauge(
    "portal_ercot_last_success_timestamp_seconds",
    "When the last successful ERCOT run finished (Unix time; 0 before the first).",
    [],
    (metric, now) => metric.set((now.lastSuccess?.finishedAt?.getTime() ?? 0) / 1000),
  );
  gauge(
    "portal_ercot_last_run_duration_seconds",
    "How long the last finished ERCOT run took (NaN before the first).",
    [],
    (metric, now) => {
      metric.set(
        !now.lastFinished?.finishedAt
          ? NaN
          : (now.lastFinished.finishedAt.getTime() - now.lastFinished.startedAt.getTime()) / 1000,
      );
    },
  );
  gauge("portal_ercot_stored_files", "ERCOT files stored.", [], (metric, now) => metric.set(now.stored._count._all));
  gauge("portal_ercot_stored_bytes", "Bytes of ERCOT files stored.", [], (metric, now) =>
    metric.set(Number(now.stored._sum.sizeBytes ?? 0)),
  );
  gauge("portal_smt_files", "SMT files received, by status.", ["status"], (metric, now) => {
    for (const status of ["received", "parsed", "failed"]) metric.set({ status }, 0);
    for (const row of now.smtFiles) metric.set({ status: row.status }, row._count._all);
  });
  gauge("portal_smt_rows", "SMT rows parsed, by the status of their file.", ["status"], (metric, now) => {
    for (const status of ["received", "parsed", "failed"]) metric.set({ status }, 0);
    for (const row of now.smtFiles) metric.set({ status: row.status }, row._sum.rowsParsed ?? 0);
  });
  gauge("portal_smt_stored_bytes", "Bytes of SMT files stored.", [], (metric, now) =>
    metric.set(now.smtFiles.reduce((sum, row) => sum + Number(row._sum.sizeBytes ?? 0), 0)),
  );
  gauge(
    "portal_smt_seconds_since_last_droplet_post",
    "Seconds since the SMT droplet last posted a file (NaN before the first post).",
    [],
    (metric, now) => metric.set(now.lastPost ? (Date.now() - now.lastPost.receivedAt.getTime()) / 1000 : NaN),
  );
  gauge("portal_alert_check_state", "State of each alert check: 0 ok, 1 warn, 2 alert.", ["check"], (metric, now) => {
    for (const check of now.checks) metric.set({ check: check.id }, STATE_VALUE[check.state]);
  });
}

/** The Prometheus text exposition of every portal metric. */
export async function renderMetrics(): Promise<{ body: string; contentType: string }> {
  if (!register.getSingleMetric("portal_ercot_runs")) registerPortalMetrics();
  return { body: await register.metrics(), contentType: register.contentType };
}
