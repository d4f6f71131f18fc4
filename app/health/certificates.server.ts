import { X509Certificate } from "node:crypto";
import { ercotSourcesConfig } from "~/ercot/config.server";
import { loadClientCertificate, normalizePem } from "~/ercot/sources/certificates.server";
import type { CertificateSummary } from "./types";

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** "CN=API_TESTUSER, O=Example": the distinguished name on one line. */
function oneLine(name: string): string {
  return name.split("\n").filter(Boolean).reverse().join(", ");
}

function summarise(certificate: X509Certificate, now: Date): CertificateSummary {
  const expires = new Date(certificate.validTo);
  return {
    subject: oneLine(certificate.subject),
    issuer: oneLine(certificate.issuer),
    expiresAt: expires.toISOString(),
    expired: expires.getTime() < now.getTime(),
  };
}

/** Every certificate in a PEM value (a bundle may hold several); throws with a plain sentence when unreadable. */
export function summarisePem(pem: string, now = new Date()): CertificateSummary[] {
  const blocks = normalizePem(pem).match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw new Error("not a PEM certificate (expected -----BEGIN CERTIFICATE-----)");
  return blocks.map((block) => summarise(new X509Certificate(block), now));
}

/** The client certificate inside ERCOT_EWS_PFX (opened with its passphrase). */
export function summarisePfx(now = new Date()): CertificateSummary[] {
  const { ews } = ercotSourcesConfig();
  const client = loadClientCertificate({ ...ews, certPem: undefined, keyPem: undefined, caPem: undefined });
  return client ? [summarise(new X509Certificate(Buffer.from(client.certificateBase64, "base64")), now)] : [];
}
