import { loadFulFrom } from "~/esiid/load.server";
import { connectEsiidClient } from "~/esiid/process.server";

/**
 * `rows` ONCOR premises generated in SQL (generate_series: distinct ESIIDs, 60,000 streets in 1,500 cities),
 * indexed and swapped in by the same code as a FUL extract, so the explorer reads the table an operator would.
 */
export async function seedPremises(rows: number) {
  const client = connectEsiidClient();
  const helper = connectEsiidClient();
  await Promise.all([client.connect(), helper.connect()]);
  const letters = (seed: string, length: number) =>
    `translate(left(md5(${seed}), ${length}), '0123456789abcdef', 'AEIOUBCDFGHKLMNR')`;
  try {
    return await loadFulFrom(
      client,
      helper,
      { tdsp: "ONCOR_ELEC", docId: "load-suite-premises", publishedAt: new Date("2026-09-07T23:11:39Z") },
      {
        layout: 22,
        create: async (staging) => {
          const created = await client.query(
            `CREATE TABLE "${staging}" AS
             SELECT '10443720' || lpad(g::text, 14, '0') AS "esiid",
                    a.house || ' ' || a.street || ' ' || a.suffix AS "address", NULL::text AS "addressOverflow",
                    a.city AS "city", 'TX'::text AS "state", a.zip AS "zipcode", 'DALLAS'::text AS "county",
                    '1039940674000'::text AS "duns", lpad((g % 20 + 1)::text, 2, '0') AS "meterReadCycle",
                    CASE WHEN g % 17 = 0 THEN 'De-Energized' ELSE 'Active' END AS "status",
                    CASE WHEN g % 9 = 0 THEN 'Small Non-Residential' ELSE 'Residential' END AS "premiseType",
                    'NORTH'::text AS "powerRegion", 'ST' || (g % 400)::text AS "stationCode",
                    'STATION ' || (g % 400)::text AS "stationName", 'Y'::text AS "metered",
                    'N'::text AS "openServiceOrders", 'RES'::text AS "polrCustomerClass",
                    'Y'::text AS "settlementAmsIndicator", 'AMSR'::text AS "tdspAmsIndicator",
                    'N'::text AS "switchHoldIndicator", NULL::text AS "premiseSubtypeCode",
                    NULL::text AS "premiseSubtypeDesc", 'ONCOR_ELEC'::text AS "tdsp",
                    a.house || ' ' || a.street || ' ' || a.suffix || ' ' || a.city || ' ' || a.zip AS "searchText",
                    'load-suite-premises'::text AS "sourceDocId",
                    '2026-09-07 23:11:39'::timestamp(3) AS "publishedAt", '2026-09-07 23:11:39'::timestamp(3) AS "lastChangedAt"
               FROM generate_series(1, $1::int) g
               CROSS JOIN LATERAL (SELECT abs(hashint4(g)) AS h, abs(hashint4(g + 1000000000)) % 60000 AS street_id) r
               CROSS JOIN LATERAL (SELECT (r.h % 19999 + 1)::text AS house, ${letters("r.street_id::text", 7)} AS street,
                      (ARRAY['ST','AVE','DR','LN','RD','BLVD','CT','CIR','WAY','PL'])[r.street_id % 10 + 1] AS suffix,
                      ${letters("'city' || (r.street_id % 1500)::text", 8)} AS city,
                      (75000 + ((r.street_id % 1500) * 3 + r.h % 3) % 5000)::text AS zip) a`,
            [rows],
          );
          return created.rowCount ?? 0;
        },
        keepLastLines: () => Promise.reject(new Error("the generated ESIIDs are unique")),
        cleanup: async () => undefined,
      },
      async () => undefined,
    );
  } finally {
    await Promise.all([client.end(), helper.end()]);
  }
}
