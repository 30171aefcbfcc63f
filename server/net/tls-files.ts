import { X509Certificate } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** The files `hearth tls self-signed` writes into its directory (default `<data dir>/tls`). */
export function tlsFiles(dir: string) {
  return {
    caCert: path.join(dir, "ca.crt"),
    caKey: path.join(dir, "ca.key"),
    /** The server certificate followed by the CA: the chain a TLS server sends. */
    serverCert: path.join(dir, "server.crt"),
    serverKey: path.join(dir, "server.key"),
  };
}

/** The public facts about the local CA phones are asked to trust. */
export interface CaCertificateView {
  pem: string;
  subject: string;
  /** Colon-separated upper-case hex, as phones show it in their certificate details. */
  sha256: string;
  validTo: string;
}

/** The local CA certificate in `dir`, or undefined when there is none (or it does not parse). */
export function readCaCertificate(dir: string): CaCertificateView | undefined {
  let pem: string;
  try {
    pem = fs.readFileSync(tlsFiles(dir).caCert, "utf8");
  } catch {
    return undefined;
  }
  try {
    const cert = new X509Certificate(pem);
    return { pem: cert.toString(), subject: cert.subject, sha256: cert.fingerprint256, validTo: new Date(cert.validTo).toISOString() };
  } catch {
    return undefined;
  }
}
