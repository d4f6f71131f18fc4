import { describe, expect, it } from "vitest";
import { attachmentDisposition } from "./content-disposition";

describe("the attachment header for a stored file", () => {
  it("keeps a plain name as it is", () => {
    expect(attachmentDisposition("IntervalData.csv")).toBe(
      `attachment; filename="IntervalData.csv"; filename*=UTF-8''IntervalData.csv`,
    );
  });

  it("never lets a quote, a path or a control character into the header", () => {
    const header = attachmentDisposition('../evil"\r\nSet-Cookie: x=1;.csv');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header).toMatch(/^attachment; filename="[A-Za-z0-9._ -]+"; filename\*=UTF-8''[A-Za-z0-9._%!~-]+$/);
  });

  it("gives the exact name of a non-ASCII file in filename*", () => {
    expect(attachmentDisposition("usage (José).csv")).toBe(
      `attachment; filename="usage _Jos__.csv"; filename*=UTF-8''usage%20%28Jos%C3%A9%29.csv`,
    );
  });
});
