import forge from "node-forge";
import type { ErcotSourcesConfig } from "~/ercot/config";
import { ErcotHttpError, type ClientTlsMaterial } from "~/ercot/http.server";

export interface ClientCertificate extends ClientTlsMaterial {
  /** Subject CN, the company: EWS `Source` defaults to it (ERCOT's client guide). */
  commonName: string;
  /** The EmployeeID an ERCOT API certificate carries as an OU (`API_…`): EWS `UserID` defaults to it. */
  employeeId: string | null;
  /** DER of the leaf certificate, base64: the WS-Security BinarySecurityToken. */
  certificateBase64: string;
}

export const LEGACY_PFX_FIX = "openssl pkcs12 -legacy -in old.pfx -nodes | openssl pkcs12 -export -out new.pfx";

/** Env values often carry PEM with literal `\n` sequences (one-line secrets); restore real newlines. */
export function normalizePem(text: string): string {
  return `${text
    .replace(/\\r\\n|\\n/g, "\n")
    .replace(/\r\n/g, "\n")
    .trim()}\n`;
}

function certificateError(message: string, cause?: unknown): ErcotHttpError {
  return new ErcotHttpError(message, { retryable: false, cause });
}

function describeCertificate(
  cert: forge.pki.Certificate,
): Pick<ClientCertificate, "commonName" | "employeeId" | "certificateBase64"> {
  const units = cert.subject.attributes
    .filter((attribute) => attribute.shortName === "OU" || attribute.name === "organizationalUnitName")
    .map((attribute) => String(attribute.value ?? ""));
  return {
    commonName: String(cert.subject.getField("CN")?.value ?? ""),
    employeeId: units.find((unit) => unit.startsWith("API_")) ?? units[0] ?? null,
    certificateBase64: forge.util.encode64(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes()),
  };
}

function sameKey(cert: forge.pki.Certificate, key: forge.pki.rsa.PrivateKey): boolean {
  const publicKey = cert.publicKey as forge.pki.rsa.PublicKey;
  return publicKey.n?.equals(key.n) === true;
}

/**
 * Opens the PFX with node-forge and keeps PEM in memory. forge reads the RC2-40/3DES "legacy"
 * encryption that Node 20's OpenSSL 3 refuses ("Unsupported PKCS12 PFX data"), so old files just work.
 */
function fromPfx(
  pfxBase64: string,
  passphrase: string,
): { certs: forge.pki.Certificate[]; key: forge.pki.rsa.PrivateKey } {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const der = forge.util.decode64(pfxBase64.replace(/\s+/g, ""));
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der), passphrase);
  } catch (error) {
    const reason = (error as Error).message ?? "";
    if (/mac|password|invalid/i.test(reason) && !/unsupported/i.test(reason)) {
      throw certificateError(
        "The EWS PFX could not be opened: the passphrase is wrong or the file is damaged. Check ERCOT_EWS_PFX (base64) and ERCOT_EWS_PFX_PASS.",
        error,
      );
    }
    throw certificateError(
      `The EWS PFX could not be opened (${reason || "unknown format"}). If it was exported by older tooling, convert it: ${LEGACY_PFX_FIX}, then base64 it into ERCOT_EWS_PFX.`,
      error,
    );
  }
  const keyBags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ?? []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag] ?? []),
  ];
  const key = keyBags.find((bag) => bag.key)?.key as forge.pki.rsa.PrivateKey | undefined;
  const certs = (p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [])
    .map((bag) => bag.cert)
    .filter((cert): cert is forge.pki.Certificate => !!cert);
  if (!key || certs.length === 0) {
    throw certificateError(
      "The EWS PFX holds no private key or no certificate. Export it again with both (`openssl pkcs12 -export -inkey key.pem -in cert.pem`).",
    );
  }
  return { certs, key };
}

/** The EWS client identity from config: PFX (preferred) or PEM cert + key; null when none is set. */
export type CertificateSettings = Partial<
  Pick<ErcotSourcesConfig["ews"], "pfxBase64" | "pfxPassphrase" | "certPem" | "keyPem" | "caPem">
>;

export function loadClientCertificate(ews: CertificateSettings): ClientCertificate | null {
  const caPem = ews.caPem ? normalizePem(ews.caPem) : undefined;
  if (ews.pfxBase64) {
    const { certs, key } = fromPfx(ews.pfxBase64, ews.pfxPassphrase ?? "");
    const leaf = certs.find((cert) => sameKey(cert, key));
    if (!leaf)
      throw certificateError(
        "The EWS PFX's certificate does not match its private key. Export the API certificate with its own key.",
      );
    const chain = certs.filter((cert) => cert !== leaf);
    return {
      certPem: [leaf, ...chain].map((cert) => forge.pki.certificateToPem(cert)).join(""),
      keyPem: forge.pki.privateKeyToPem(key),
      caPem,
      ...describeCertificate(leaf),
    };
  }
  if (ews.certPem || ews.keyPem) {
    if (!ews.certPem || !ews.keyPem)
      throw certificateError("Set both ERCOT_EWS_CERT and ERCOT_EWS_KEY (PEM), or use ERCOT_EWS_PFX instead.");
    const certPem = normalizePem(ews.certPem);
    const keyPem = normalizePem(ews.keyPem);
    let leaf: forge.pki.Certificate;
    try {
      leaf = forge.pki.certificateFromPem(certPem);
    } catch (error) {
      throw certificateError(
        "ERCOT_EWS_CERT is not a PEM certificate (expected -----BEGIN CERTIFICATE-----; literal \\n line breaks are fine).",
        error,
      );
    }
    if (!/-----BEGIN (RSA |EC )?PRIVATE KEY-----/.test(keyPem)) {
      throw certificateError(
        "ERCOT_EWS_KEY must be an unencrypted PEM private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----).",
      );
    }
    return { certPem, keyPem, caPem, ...describeCertificate(leaf) };
  }
  return null;
}

export function hasClientCertificate(ews: CertificateSettings): boolean {
  return Boolean(ews.pfxBase64 || (ews.certPem && ews.keyPem));
}
