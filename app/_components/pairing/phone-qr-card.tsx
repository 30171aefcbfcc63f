import { CopyButton } from "../copy-button";
import { QrCode } from "./qr-code";

/** "Open on your phone": a QR code of the dashboard's LAN URL. */
export function PhoneQrCard({ url }: { url: string | null }) {
  return (
    <section className="card section-gap" aria-labelledby="phone-qr-title">
      <h2 id="phone-qr-title" className="card-title">
        Open on your phone
      </h2>
      {url ? (
        <div className="phone-card">
          <div className="qr-block">
            <QrCode value={url} label={`QR code of ${url}`} size={148} />
          </div>
          <div className="phone-card-text stack">
            <p className="muted small">Scan with your phone’s camera while it’s on the same Wi-Fi, then add Hearth to the home screen.</p>
            <p>
              <code className="address-value">{url}</code>
            </p>
            <div>
              <CopyButton value={url} label="Copy link" className="btn btn-secondary" />
            </div>
          </div>
        </div>
      ) : (
        <p className="muted">The hub only listens on this computer. Start it with HEARTH_HOST=0.0.0.0 so phones on your network can reach it.</p>
      )}
    </section>
  );
}
