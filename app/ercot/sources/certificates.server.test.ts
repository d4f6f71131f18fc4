import { beforeAll, describe, expect, it } from "vitest";
import { createFakeErcotPki, type FakeErcotPki } from "../../../tests/fakes/ercot/pki";
import { LEGACY_PFX_FIX, loadClientCertificate, normalizePem } from "./certificates.server";

let pki: FakeErcotPki;
beforeAll(() => {
  pki = createFakeErcotPki();
});

const ews = {};

describe("EWS client certificates", () => {
  it("opens a PFX into PEM in memory and takes the CN for UserID and Source", () => {
    const certificate = loadClientCertificate({
      ...ews,
      pfxBase64: pki.apiClientPfxBase64,
      pfxPassphrase: pki.apiClientPfxPassphrase,
    });
    expect(certificate?.commonName).toBe("FAKE MARKET PARTICIPANT LLC");
    expect(certificate?.employeeId).toBe("API_TESTUSER");
    expect(certificate?.keyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    expect(certificate?.certPem.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
  });

  it("opens a legacy RC2-40 PFX the same way", () => {
    const certificate = loadClientCertificate({
      ...ews,
      pfxBase64: pki.legacyPfxBase64,
      pfxPassphrase: pki.apiClientPfxPassphrase,
    });
    expect(certificate?.commonName).toBe("FAKE MARKET PARTICIPANT LLC");
    expect(certificate?.employeeId).toBe("API_TESTUSER");
  });

  it("points at the openssl fix when a PFX cannot be decoded at all", () => {
    expect(() =>
      loadClientCertificate({ ...ews, pfxBase64: Buffer.from("not a pfx").toString("base64"), pfxPassphrase: "x" }),
    ).toThrow(LEGACY_PFX_FIX);
  });

  it("accepts PEM with literal \\n sequences and restores real newlines", () => {
    const oneLine = pki.apiClient.certPem.replace(/\r?\n/g, "\\n");
    expect(normalizePem(oneLine)).toBe(pki.apiClient.certPem.replace(/\r\n/g, "\n"));
    const certificate = loadClientCertificate({
      ...ews,
      certPem: oneLine,
      keyPem: pki.apiClient.keyPem.replace(/\r?\n/g, "\\n"),
    });
    expect(certificate?.commonName).toBe("FAKE MARKET PARTICIPANT LLC");
    expect(certificate?.employeeId).toBe("API_TESTUSER");
  });

  it("asks for both halves when only a PEM certificate is given, and returns null when nothing is set", () => {
    expect(() => loadClientCertificate({ ...ews, certPem: pki.apiClient.certPem })).toThrow(
      /Set both ERCOT_EWS_CERT and ERCOT_EWS_KEY/,
    );
    expect(loadClientCertificate({ ...ews })).toBeNull();
  });
});
