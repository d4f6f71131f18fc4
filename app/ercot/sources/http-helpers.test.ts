import http from "node:http";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createHttpAgent,
  ErcotHttpError,
  isRetryable,
  sendRequest,
  statusError,
  withErcotRetry,
} from "~/ercot/http.server";

const quick = { attempts: 3, minDelayMs: 5, maxDelayMs: 10 };

describe("ERCOT HTTP helpers", () => {
  it("retries retryable failures until one succeeds", async () => {
    let calls = 0;
    const result = await withErcotRetry(async () => {
      calls += 1;
      if (calls < 3) throw statusError("list documents", "https://www.ercot.com/x", 503);
      return "ok";
    }, quick);
    expect(result).toBe("ok");
    expect(calls).toBe(3);
  });

  it("never retries a 4xx other than 429", async () => {
    let calls = 0;
    await expect(
      withErcotRetry(async () => {
        calls += 1;
        throw statusError("list documents", "https://api.ercot.com/x?subscription-key=secret", 403);
      }, quick),
    ).rejects.toThrow(
      "Could not list documents: api.ercot.com answered HTTP 403. Check the ERCOT settings for this source.",
    );
    expect(calls).toBe(1);
    expect(isRetryable(statusError("x", "https://api.ercot.com", 429))).toBe(true);
  });

  describe("against a real socket", () => {
    const server = http.createServer((_request, response) => response.destroy());
    let url = "";
    beforeAll(async () => {
      server.listen(0, "127.0.0.1");
      await once(server, "listening");
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/path?token=secret-value`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it("turns a dropped connection into a retryable sentence without the URL's query", async () => {
      const agent = createHttpAgent({ connectMs: 1000, headersMs: 1000, idleMs: 1000 });
      const error = await sendRequest("list documents", url, { agent }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ErcotHttpError);
      expect((error as ErcotHttpError).retryable).toBe(true);
      expect((error as Error).message).toMatch(
        /^Could not list documents at 127\.0\.0\.1:\d+: the connection was closed unexpectedly\./,
      );
      expect((error as Error).message).not.toContain("secret-value");
      await agent.close();
    });
  });
});
