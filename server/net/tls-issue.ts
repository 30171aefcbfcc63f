// The library resolves its algorithms through tsyringe, which needs the Reflect metadata API loaded first.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { type KeyObject, X509Certificate, createPrivateKey, randomBytes, webcrypto } from "node:crypto";
import { HubError } from "../errors";
import type { CertificateNames } from "./tls-names";

/** A certificate and its private key, both PEM (the key as unencrypted PKCS #8). */
export interface PemPair {
  certPem: string;
  keyPem: string;
}

/** Apple's ceiling for TLS server certificates under a user-trusted root (support.apple.com/HT210176). */
export const MAX_SERVER_DAYS = 825;
export const CA_DAYS = 3650;

const DAY_MS = 86_400_000;
// A device whose clock runs a little behind still accepts a certificate issued just now.
const BACKDATE_MS = 3_600_000;
const EC_KEY = { name: "ECDSA", namedCurve: "P-256" } as const;
const EC_SIGN = { name: "ECDSA", hash: "SHA-256" } as const;
const RSA_SIGN = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;

const subtle = webcrypto.subtle;
const provider = webcrypto as unknown as Crypto;

/** A positive 128-bit serial (RFC 5280 §4.1.2.2: at most 20 octets, unique per CA; random makes it so). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString("hex");
}

/** RFC 4514 string value: escape the characters that would end or split the attribute. */
function dnValue(value: string): string {
  return value.replace(/[\\,+"<>;=#]/g, (c) => `\\${c}`);
}

async function newEcKeys(): Promise<CryptoKeyPair> {
  return await subtle.generateKey(EC_KEY, true, ["sign", "verify"]);
}

async function keyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await subtle.exportKey("pkcs8", key));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString("base64").replace(/.{64}/g, "$&\n").replace(/\n?$/, "\n")}-----END PRIVATE KEY-----\n`;
}

/** A new local CA (ECDSA P-256, SHA-256) that may sign server certificates only (path length 0). */
export async function createCa(opts: { commonName: string; now: Date; days?: number }): Promise<PemPair> {
  const keys = await newEcKeys();
  const notBefore = new Date(opts.now.getTime() - BACKDATE_MS);
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serialNumber(),
      name: `CN=${dnValue(opts.commonName)}, O=Hearth`,
      notBefore,
      notAfter: new Date(notBefore.getTime() + (opts.days ?? CA_DAYS) * DAY_MS),
      keys,
      signingAlgorithm: EC_SIGN,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, provider),
      ],
    },
    provider,
  );
  return { certPem: cert.toString("pem"), keyPem: await keyPem(keys.privateKey) };
}

/** The CA's signing key and algorithm, after checking that the key belongs to the certificate. */
async function loadCa(ca: PemPair): Promise<{ cert: x509.X509Certificate; node: X509Certificate; key: CryptoKey; signing: Algorithm }> {
  let node: X509Certificate;
  let privateKey: KeyObject;
  try {
    node = new X509Certificate(ca.certPem);
    privateKey = createPrivateKey(ca.keyPem);
  } catch (err) {
    throw new HubError("invalid_input", `the CA certificate or key cannot be read (${(err as Error).message})`, { cause: err });
  }
  if (!node.checkPrivateKey(privateKey)) throw new HubError("invalid_input", "the CA key does not belong to the CA certificate");
  if (!node.ca) throw new HubError("invalid_input", "the CA certificate is not a CA (basicConstraints cA is false)");
  const der = privateKey.export({ format: "der", type: "pkcs8" });
  const [importAlg, signing] = signingAlgorithms(privateKey);
  const key = await subtle.importKey("pkcs8", der, importAlg, false, ["sign"]);
  return { cert: new x509.X509Certificate(ca.certPem), node, key, signing };
}

/** How WebCrypto imports the CA key and signs with it: ECDSA or RSA PKCS #1 v1.5, both over SHA-256. */
function signingAlgorithms(key: KeyObject): [webcrypto.EcKeyImportParams | webcrypto.RsaHashedImportParams, Algorithm] {
  const type = key.asymmetricKeyType;
  if (type === "ec") return [{ name: "ECDSA", namedCurve: curveName(key.asymmetricKeyDetails?.namedCurve) }, EC_SIGN];
  if (type === "rsa") return [{ name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, RSA_SIGN];
  throw new HubError("invalid_input", `the CA key is ${type ?? "of an unknown type"}; only EC and RSA CAs are supported`);
}

function curveName(nodeName: string | undefined): string {
  const names: Record<string, string> = { prime256v1: "P-256", secp384r1: "P-384", secp521r1: "P-521" };
  const name = nodeName ? names[nodeName] : undefined;
  if (!name) throw new HubError("invalid_input", `the CA key's curve ${nodeName ?? "(unknown)"} is not supported`);
  return name;
}

/** RFC 5280 §4.2.1.1: the CA's own subjectKeyIdentifier, so a verifier finds the issuer by key. */
async function authorityKeyId(ca: x509.X509Certificate): Promise<x509.AuthorityKeyIdentifierExtension> {
  const ski = ca.getExtension(x509.SubjectKeyIdentifierExtension);
  return ski ? new x509.AuthorityKeyIdentifierExtension(ski.keyId, false) : x509.AuthorityKeyIdentifierExtension.create(ca.publicKey, false, provider);
}

export interface ServerCertificate extends PemPair {
  notAfter: Date;
  /** True when the CA expires first and the certificate's validity was cut to it. */
  cappedByCa: boolean;
}

/**
 * A TLS server certificate (ECDSA P-256, SHA-256) signed by the CA, with what iOS requires of it
 * (support.apple.com/HT210176): every name in subjectAltName, extendedKeyUsage serverAuth, at most 825 days.
 */
export async function issueServerCertificate(opts: { ca: PemPair; names: CertificateNames; now: Date; days: number }): Promise<ServerCertificate> {
  if (!Number.isInteger(opts.days) || opts.days < 1 || opts.days > MAX_SERVER_DAYS) {
    throw new HubError("invalid_input", `--days must be a whole number from 1 to ${MAX_SERVER_DAYS}, got ${opts.days}`);
  }
  const ca = await loadCa(opts.ca);
  const notBefore = new Date(opts.now.getTime() - BACKDATE_MS);
  if (ca.cert.notAfter.getTime() <= opts.now.getTime()) {
    throw new HubError("invalid_input", `the CA expired on ${ca.cert.notAfter.toISOString()}; make a new one with --force`);
  }
  const wanted = new Date(notBefore.getTime() + opts.days * DAY_MS);
  const cappedByCa = wanted.getTime() > ca.cert.notAfter.getTime();
  const notAfter = cappedByCa ? ca.cert.notAfter : wanted;
  const keys = await newEcKeys();
  const sans: x509.JsonGeneralName[] = [
    ...opts.names.dns.map((value) => ({ type: "dns" as const, value })),
    ...opts.names.ips.map((value) => ({ type: "ip" as const, value })),
  ];
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serialNumber(),
      subject: `CN=${dnValue(opts.names.dns[0] ?? "hearth.local")}`,
      issuer: ca.cert.subjectName,
      notBefore,
      notAfter,
      publicKey: keys.publicKey,
      signingKey: ca.key,
      signingAlgorithm: ca.signing,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
        new x509.SubjectAlternativeNameExtension(sans, false),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, provider),
        await authorityKeyId(ca.cert),
      ],
    },
    provider,
  );
  return { certPem: cert.toString("pem"), keyPem: await keyPem(keys.privateKey), notAfter, cappedByCa };
}
