import { z } from "zod";
import { chicagoInstants, chicagoToUtc, dayNumber, formatLocalDate, type LocalDate } from "../../time/chicago";
import { normalizeEsiid, unknownEsiidWarning } from "./esiid";
import { parseLocalDate, parseLocalDateTime } from "./fields";
import {
  parseIntervalKwh,
  IntervalDayLedger,
  parseChannel,
  type IntervalRow,
  type IntervalSummary,
  type SmtChannel,
} from "./interval";
import { HeaderError, IssueLog, parseRun, type ParseRun } from "./types";

const EXPECTED_SHAPE = ['{"data":{"trans_id","esiid","energyData":[{"DT","RevTS","RT","RD"}]}}'];
const SLOTS_PER_DAY = 100;

const payloadSchema = z.object({
  data: z.object({
    esiid: z.union([z.string(), z.number()]).transform(String),
    energyData: z.array(z.unknown()),
  }),
});

const entrySchema = z.object({
  DT: z.string(),
  RevTS: z.string(),
  RT: z.string(),
  RD: z.string(),
});

/**
 * SMT's JSON interval payload (intervalsynch / 15minintervalreads, spec §4.3): one entry per day and channel,
 * `RD` holding 100 slots. Slots 0–7 are 00:00–01:45, 8–11 the repeated 01:00–01:45 (CST) of the fall-back day and
 * blank on other days, 12–99 are 02:00–23:45. Payloads are small, so they are read whole.
 *
 * Throws HeaderError when the payload is not JSON of that shape. Rows carry `line` = the entry's 1-based
 * position in `energyData`.
 */
export function parseIntervalJson(payload: string | Buffer): ParseRun<IntervalRow, IntervalSummary> {
  const issues = new IssueLog();
  const ledger = new IntervalDayLedger(issues);
  let rowsRead = 0;

  async function* generate(): AsyncGenerator<IntervalRow[]> {
    let parsedJson: unknown;
    try {
      parsedJson = JSON.parse(payload.toString());
    } catch (error) {
      throw new HeaderError(
        `The file is not valid JSON (${(error as Error).message}); expected an SMT interval payload.`,
        EXPECTED_SHAPE,
        [],
      );
    }
    const parsed = payloadSchema.safeParse(parsedJson);
    if (!parsed.success) {
      throw new HeaderError(
        `This JSON is not an SMT interval payload: expected ${EXPECTED_SHAPE[0]} (${parsed.error.issues[0]?.path.join(
          ".",
        )}: ${parsed.error.issues[0]?.message}).`,
        EXPECTED_SHAPE,
        parsedJson && typeof parsedJson === "object" ? Object.keys(parsedJson) : [],
      );
    }
    const checkedEsiid = normalizeEsiid(parsed.data.data.esiid);
    if (!checkedEsiid.ok)
      throw new HeaderError(`The payload's esiid cannot be used: ${checkedEsiid.message}`, EXPECTED_SHAPE, []);
    const esiid = checkedEsiid.esiid;
    if (!checkedEsiid.knownFormat) issues.warn(unknownEsiidWarning(esiid));

    const days = new Map<string, { channel: SmtChannel; date: LocalDate; candidates: IntervalRow[] }>();
    parsed.data.data.energyData.forEach((rawEntry, index) => {
      const line = index + 1;
      const entry = entrySchema.safeParse(rawEntry);
      if (!entry.success) {
        issues.error(line, `energyData entry ${line} lacks DT, RevTS, RT or RD as text.`);
        return;
      }
      const { DT, RevTS, RT, RD } = entry.data;
      const date = parseLocalDate(DT.trim());
      if (!date) return issues.error(line, `DT "${DT}" is not a date (expected MM/DD/YYYY).`);
      const revision = parseLocalDateTime(RevTS.trim());
      const revisionAt = revision && chicagoToUtc(revision.date, revision.secondOfDay);
      if (!revisionAt)
        return issues.error(line, `RevTS "${RevTS}" is not a Central date and time (expected MM/DD/YYYY HH:MM:SS).`);
      const channel = parseChannel(RT.trim());
      if (!channel) return issues.error(line, `RT "${RT}" is not a known channel (expected C or G).`);
      const tokens = RD.split(",");
      if (tokens.length !== SLOTS_PER_DAY) {
        return issues.error(line, `RD of ${DT} ${RT} has ${tokens.length} slots; SMT sends ${SLOTS_PER_DAY}.`);
      }

      const key = `${channel}|${dayNumber(date)}`;
      let day = days.get(key);
      if (!day) days.set(key, (day = { channel, date, candidates: [] }));
      tokens.forEach((rawToken, slot) => {
        const token = rawToken.trim();
        const repeatedHour = slot >= 8 && slot < 12;
        const labelMinutes = slot < 8 ? 15 * slot : 15 * (slot - 4);
        const instants = chicagoInstants(date, labelMinutes * 60);
        const where = `${formatLocalDate(date)} ${channel} slot ${slot}`;
        if (repeatedHour && instants.length < 2) {
          if (token !== "")
            issues.error(line, `${where} holds "${token}", but slots 8–11 are only used on the DST fall-back day.`);
          return;
        }
        rowsRead++;
        if (instants.length === 0) {
          if (token === "") {
            ledger.skip();
            issues.warnOnce(
              `spring:${dayNumber(date)}`,
              `DST spring-forward day ${formatLocalDate(
                date,
              )}: the blank slots for 02:00–02:45, an hour that does not exist in Central time, were skipped.`,
              line,
            );
          } else {
            issues.error(
              line,
              `${where} holds "${token}" for 02:00–02:45 on the DST spring-forward day, a time that does not exist.`,
            );
          }
          return;
        }
        const reading = parseToken(token);
        if ("error" in reading) return issues.error(line, `${where}: ${reading.error}.`);
        day.candidates.push({
          esiid,
          channel,
          intervalStart: repeatedHour ? instants[1] : instants[0],
          kwh: reading.kwh,
          estimated: reading.estimated,
          revisionAt,
          line,
        });
      });
    });

    for (const day of [...days.values()].sort((a, b) => dayNumber(a.date) - dayNumber(b.date))) {
      yield ledger.settle(esiid, day.channel, day.date, day.candidates);
    }
  }

  return parseRun(generate, () => ledger.summary(rowsRead));
}

/** `.198-A`, `1.2-E`, `-A` or blank (missing). */
function parseToken(token: string): { kwh: string | null; estimated: boolean } | { error: string } {
  const flagAt = token.lastIndexOf("-");
  const flag = flagAt > 0 || (flagAt === 0 && token.length === 2) ? token.slice(flagAt + 1).toUpperCase() : "";
  const kwhText = flag ? token.slice(0, flagAt) : token;
  if (flag !== "" && flag !== "A" && flag !== "E")
    return { error: `"${token}" should end in -A (actual) or -E (estimated)` };
  if (kwhText === "") return { kwh: null, estimated: false };
  const kwh = parseIntervalKwh(kwhText);
  return "error" in kwh ? kwh : { kwh: kwh.value, estimated: flag === "E" };
}
