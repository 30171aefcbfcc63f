import { canManage } from "@/devices/auth/access";
import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "../../_lib/current-user";
import { AppShell } from "../../_components/app-shell";
import { AddDeviceWizard } from "../../_components/pairing/add-device-wizard";

export const metadata: Metadata = { title: "Add device" };

export default async function AddDevicePage() {
  const { api, principal } = await requireUser("/devices/add");
  const home = api.home();
  const status = api.status();
  return (
    <AppShell homeName={home?.locationName ?? "Hearth"}>
      <p className="small">
        <Link href="/devices">← Devices</Link>
      </p>
      <h1 className="page-title">Add device</h1>
      <p className="muted lead">Hearth makes a login for the device, gives you its settings, and watches for it to connect.</p>
      {!canManage(principal.user) ? (
        <p role="alert" className="alert alert-error">
          Only the home’s owner or an admin can add devices.
        </p>
      ) : status.mqtt.mode === "external" ? (
        <p className="note note-warn">
          Hearth is using an external MQTT broker. Create the device’s login on that broker and point the device at it with discovery prefix{" "}
          <code>{status.discoveryPrefix}</code>; it then shows up under Devices.
        </p>
      ) : (
        <AddDeviceWizard rooms={api.rooms.list()} />
      )}
    </AppShell>
  );
}
