import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import forge from "node-forge";

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
}

export interface FakeErcotPki {
  ca: IssuedCertificate;
  server: IssuedCertificate;
  /** CN = the company, OU = `API_TESTUSER` (the EmployeeID): what ERCOT issues for API use. */
  apiClient: IssuedCertificate;
  /** A personal (employee) certificate, OU `JDOE`: ERCOT refuses it with SECU1073. */
  personalClient: IssuedCertificate;
  apiClientPfxBase64: string;
  apiClientPfxPassphrase: string;
  /** RC2-40/SHA1 PKCS#12 (`openssl pkcs12 -legacy` style) that Node 20 refuses to load. */
  legacyPfxBase64: string;
}

/** ERCOT's client guide: the certificate's CN names the company, an OU carries the EmployeeID (`API_…`). */
export const CLIENT_COMPANY_CN = "FAKE MARKET PARTICIPANT LLC";
export const API_CLIENT_OU = "API_TESTUSER";
export const PERSONAL_CLIENT_OU = "JDOE";

function newRsaKey(): forge.pki.rsa.PrivateKey {
  // Node's native generator: forge's pure-JS RSA generation takes seconds per key.
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return forge.pki.privateKeyFromPem(privateKey);
}

function publicKeyOf(key: forge.pki.rsa.PrivateKey): forge.pki.rsa.PublicKey {
  return forge.pki.setRsaPublicKey(key.n, key.e);
}

function issue(options: {
  commonName: string;
  organizationalUnit?: string;
  key: forge.pki.rsa.PrivateKey;
  issuer?: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey };
  kind: "ca" | "server" | "client";
}): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKeyOf(options.key);
  cert.serialNumber = `01${randomBytes(8).toString("hex")}`;
  cert.validity.notBefore = new Date(Date.now() - 24 * 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 24 * 3600_000);
  const subject = [
    { name: "commonName", value: options.commonName },
    { name: "organizationName", value: options.kind === "ca" ? "Fake ERCOT Test CA" : "Fake Market Participant" },
    ...(options.organizationalUnit ? [{ name: "organizationalUnitName", value: options.organizationalUnit }] : []),
  ];
  cert.setSubject(subject);
  cert.setIssuer(options.issuer ? options.issuer.cert.subject.attributes : subject);
  const extensions: object[] = [{ name: "basicConstraints", cA: options.kind === "ca" }];
  if (options.kind === "ca") extensions.push({ name: "keyUsage", keyCertSign: true, cRLSign: true });
  if (options.kind === "server") {
    extensions.push({ name: "keyUsage", digitalSignature: true, keyEncipherment: true });
    extensions.push({ name: "extKeyUsage", serverAuth: true });
    extensions.push({
      name: "subjectAltName",
      altNames: [
        { type: 2, value: "localhost" },
        { type: 7, ip: "127.0.0.1" },
      ],
    });
  }
  if (options.kind === "client") {
    extensions.push({ name: "keyUsage", digitalSignature: true, keyEncipherment: true });
    extensions.push({ name: "extKeyUsage", clientAuth: true });
  }
  cert.setExtensions(extensions);
  cert.sign(options.issuer?.key ?? options.key, forge.md.sha256.create());
  return cert;
}

function toIssued(cert: forge.pki.Certificate, key: forge.pki.rsa.PrivateKey): IssuedCertificate {
  return { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(key) };
}

const { asn1 } = forge;

function sequence(values: forge.asn1.Asn1[]): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, values);
}
function oid(name: string): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(forge.pki.oids[name]).getBytes());
}
function octets(bytes: string): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bytes);
}
function integer(value: number): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(value).getBytes());
}
function explicit(value: forge.asn1.Asn1): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [value]);
}
function dataContentInfo(content: forge.asn1.Asn1): forge.asn1.Asn1 {
  return sequence([oid("data"), explicit(octets(asn1.toDer(content).getBytes()))]);
}

/**
 * What older tooling and `openssl pkcs12 -legacy` write: certificates in an EncryptedData bag under
 * pbeWithSHAAnd40BitRC2-CBC, key under 3DES, SHA-1 MAC. forge can read this but not write it.
 */
function legacyPkcs12(cert: forge.pki.Certificate, key: forge.pki.rsa.PrivateKey, password: string): string {
  const iterations = 2048;
  const { pbe } = forge.pki as unknown as {
    pbe: {
      generatePkcs12Key(
        password: string,
        salt: forge.util.ByteStringBuffer,
        id: number,
        iter: number,
        n: number,
      ): forge.util.ByteStringBuffer;
    };
  };
  const certBag = sequence([
    oid("certBag"),
    explicit(
      sequence([oid("x509Certificate"), explicit(octets(asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes()))]),
    ),
  ]);
  const certSalt = forge.random.getBytesSync(8);
  const rc2Key = pbe.generatePkcs12Key(password, new forge.util.ByteStringBuffer(certSalt), 1, iterations, 5);
  const rc2Iv = pbe.generatePkcs12Key(password, new forge.util.ByteStringBuffer(certSalt), 2, iterations, 8);
  const cipher = forge.rc2.createEncryptionCipher(rc2Key, 40);
  cipher.start(rc2Iv);
  cipher.update(asn1.toDer(sequence([certBag])));
  cipher.finish();
  const encryptedCerts = sequence([
    oid("encryptedData"),
    explicit(
      sequence([
        integer(0),
        sequence([
          oid("data"),
          sequence([oid("pbewithSHAAnd40BitRC2-CBC"), sequence([octets(certSalt), integer(iterations)])]),
          asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, cipher.output.getBytes()),
        ]),
      ]),
    ),
  ]);
  const keyBag = sequence([
    oid("pkcs8ShroudedKeyBag"),
    explicit(
      forge.pki.encryptPrivateKeyInfo(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key)), password, {
        algorithm: "3des",
        count: iterations,
      }),
    ),
  ]);
  const authenticatedSafe = sequence([encryptedCerts, dataContentInfo(sequence([keyBag]))]);
  const safeBytes = asn1.toDer(authenticatedSafe).getBytes();
  const macSalt = forge.random.getBytesSync(8);
  const macKey = pbe.generatePkcs12Key(password, new forge.util.ByteStringBuffer(macSalt), 3, iterations, 20);
  const hmac = forge.hmac.create();
  hmac.start("sha1", macKey.getBytes());
  hmac.update(safeBytes);
  const macData = sequence([
    sequence([
      sequence([oid("sha1"), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, "")]),
      octets(hmac.digest().getBytes()),
    ]),
    octets(macSalt),
    integer(iterations),
  ]);
  const pfx = sequence([integer(3), sequence([oid("data"), explicit(octets(safeBytes))]), macData]);
  return forge.util.encode64(asn1.toDer(pfx).getBytes());
}

/** A throwaway CA with a server certificate for 127.0.0.1/localhost and the client certificates the tests need. */
export function createFakeErcotPki(): FakeErcotPki {
  const caKey = newRsaKey();
  const caCert = issue({ commonName: "Fake ERCOT Root CA", key: caKey, kind: "ca" });
  const issuer = { cert: caCert, key: caKey };
  const serverKey = newRsaKey();
  const serverCert = issue({ commonName: "localhost", key: serverKey, issuer, kind: "server" });
  const clientKey = newRsaKey();
  const clientCert = issue({
    commonName: CLIENT_COMPANY_CN,
    organizationalUnit: API_CLIENT_OU,
    key: clientKey,
    issuer,
    kind: "client",
  });
  const personalKey = newRsaKey();
  const personalCert = issue({
    commonName: CLIENT_COMPANY_CN,
    organizationalUnit: PERSONAL_CLIENT_OU,
    key: personalKey,
    issuer,
    kind: "client",
  });
  const passphrase = "fake-ercot-pfx-passphrase";
  const modernPfx = forge.pkcs12.toPkcs12Asn1(clientKey, [clientCert, caCert], passphrase, {
    algorithm: "aes256",
    friendlyName: API_CLIENT_OU,
  });
  return {
    ca: toIssued(caCert, caKey),
    server: toIssued(serverCert, serverKey),
    apiClient: toIssued(clientCert, clientKey),
    personalClient: toIssued(personalCert, personalKey),
    apiClientPfxBase64: forge.util.encode64(asn1.toDer(modernPfx).getBytes()),
    apiClientPfxPassphrase: passphrase,
    legacyPfxBase64: legacyPkcs12(clientCert, clientKey, passphrase),
  };
}

const PKI_FILE = "pki.json";

/**
 * The CLI's certificates, kept under `dir` (0700, file 0600) and reused across starts, so the variables a
 * previous start printed keep working. A missing, unreadable or nearly expired set is issued again.
 */
export function loadOrCreateFakeErcotPki(dir: string): FakeErcotPki {
  const file = path.join(dir, PKI_FILE);
  try {
    const stored = JSON.parse(readFileSync(file, "utf8")) as FakeErcotPki;
    const expires = forge.pki.certificateFromPem(stored.apiClient.certPem).validity.notAfter;
    const ou = forge.pki.certificateFromPem(stored.apiClient.certPem).subject.getField("OU")?.value;
    if (expires.getTime() > Date.now() + 7 * 24 * 3600_000 && ou === API_CLIENT_OU) return stored;
  } catch {
    // Not there yet, or unreadable: issue a new set below.
  }
  const pki = createFakeErcotPki();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(pki), { mode: 0o600 });
  return pki;
}
