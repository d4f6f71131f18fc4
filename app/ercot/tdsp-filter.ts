import { z } from "zod";

/** TDSP codes as they appear in FriendlyNames: `ONCOR_ELEC`, `CENTERPOINT`, `SHARYLAND_MCALLEN`… */
const tdspList = z
  .string()
  .transform((value) =>
    value
      .split(",")
      .map((code) => code.trim().toUpperCase())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(z.string().regex(/^[A-Z0-9][A-Z0-9_]{0,39}$/))
      .min(1)
      .max(20),
  );

export type TdspFilter = { ok: true; tdsps: string[] | null } | { ok: false; error: string };

/**
 * `?tdsp=ONCOR_ELEC,CENTERPOINT` splits the large TDSPs into separate invocations (ops checklist). Absent or
 * empty means every TDSP. Each invocation still takes the one run lock, and stored files are skipped.
 */
export function parseTdspFilter(value: string | null | undefined): TdspFilter {
  if (value === null || value === undefined || value.trim() === "") return { ok: true, tdsps: null };
  const parsed = tdspList.safeParse(value);
  if (!parsed.success) {
    return {
      ok: false,
      error:
        "tdsp must be a comma-separated list of 1 to 20 TDSP codes as ERCOT writes them (letters, digits and _), e.g. ?tdsp=ONCOR_ELEC,CENTERPOINT.",
    };
  }
  return { ok: true, tdsps: [...new Set(parsed.data)] };
}
