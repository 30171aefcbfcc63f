// GET /api/tls/ca.crt — the local CA certificate from `hearth tls self-signed`, no auth (a public certificate)
import { HubError } from "@/server/errors";
import { publicRoute } from "../../../_lib/route";

/**
 * DER with the type browsers hand to the certificate installer (RFC 2585 §4.1 `application/x-x509-ca-cert`):
 * opening it on a phone offers "install profile" (iOS) or "install certificate" (Android).
 */
export const GET = publicRoute(({ api }) => {
  const ca = api.tlsCa();
  if (!ca) throw new HubError("not_found", "no local CA: run `npm run -s hearth -- tls self-signed` on the hub");
  const der = Buffer.from(ca.pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
  return new Response(der, {
    headers: {
      "Content-Type": "application/x-x509-ca-cert",
      "Content-Disposition": 'attachment; filename="hearth-ca.crt"',
      "Cache-Control": "no-cache",
      "X-Content-Type-Options": "nosniff",
    },
  });
});
