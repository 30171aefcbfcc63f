import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "../../_lib/current-user";
import { AppShell } from "../../_components/app-shell";

export const metadata: Metadata = { title: "HTTPS certificate" };

/** The local CA phones install once to trust the hub over HTTPS and MQTT over TLS (`hearth tls self-signed`). */
export default async function HttpsSettingsPage() {
  const { api } = await requireUser("/settings/https");
  const home = api.home();
  const ca = api.tlsCa();
  return (
    <AppShell homeName={home?.locationName ?? "Hearth"}>
      <p className="db-back">
        <Link href="/settings/mqtt">← Settings</Link>
      </p>
      <h1 className="page-title">HTTPS certificate</h1>
      <p className="muted lead">
        Phones need HTTPS for notifications, and devices can use MQTT over TLS. Install this home’s certificate authority once on each phone and device, and they trust the hub.
      </p>
      {ca ? (
        <>
          <p className="lead">
            {/* A download, not a page: the browser hands the file to the phone's certificate installer. */}
            <a href="/api/tls/ca.crt" className="btn" download="hearth-ca.crt">
              Download the certificate
            </a>
          </p>
          <dl>
            <dt>Name</dt>
            <dd>{ca.subject.replace(/\n/g, ", ")}</dd>
            <dt>SHA-256 fingerprint</dt>
            <dd>
              <code style={{ overflowWrap: "anywhere" }}>{ca.sha256}</code>
            </dd>
            <dt>Valid until</dt>
            <dd>{new Date(ca.validTo).toLocaleDateString("en-GB", { timeZone: home?.timeZone ?? "UTC", dateStyle: "long" })}</dd>
          </dl>
          <p className="note">
            Check that your phone shows the same fingerprint before you trust it. On iPhone and iPad, after installing the profile, turn on full trust in Settings → General → About → Certificate Trust Settings.
          </p>
        </>
      ) : (
        <p className="note">
          No certificate yet. On the hub, run <code>npm run -s hearth -- tls self-signed</code>, set the variables it prints and restart the hub.
        </p>
      )}
    </AppShell>
  );
}
