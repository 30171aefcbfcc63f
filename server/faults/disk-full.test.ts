import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, describe, expect, it } from "vitest";
import { until } from "../live/testing";
import { startTestHub, type TestHub } from "../testing/test-hub";

// A full disk under a running hub: its data dir on a small tmpfs that the test fills to the last byte. The hub
// logs a clear error (once, not once per retry), keeps serving live state, and records everything it kept once
// space is back. Mounting needs root (CAP_SYS_ADMIN); without it the test is skipped.

function tryMount(dir: string, size: string): string | undefined {
  const r = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir], { encoding: "utf8" });
  return r.status === 0 ? undefined : (r.stderr || r.error?.message || `mount exited with ${r.status}`).trim();
}

function unmount(dir: string): void {
  if (spawnSync("umount", [dir]).status !== 0) spawnSync("umount", ["-l", dir]);
}

const probeDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-mount-probe-"));
const mountRefused = tryMount(probeDir, "1m");
if (!mountRefused) unmount(probeDir);
fs.rmSync(probeDir, { recursive: true, force: true });

let mountDir: string | undefined;
let t: TestHub | undefined;
let device: MqttClient | undefined;

afterAll(async () => {
  try {
    device?.end(true);
    if (mountDir) fs.rmSync(path.join(mountDir, "filler"), { force: true });
    await t?.stop();
  } finally {
    if (mountDir) {
      unmount(mountDir);
      fs.rmSync(mountDir, { recursive: true, force: true });
    }
  }
});

/** Fills the file system with one file until a write fails with ENOSPC. */
function fill(file: string): void {
  const fd = fs.openSync(file, "w");
  const block = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) fs.writeSync(fd, block);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
  } finally {
    fs.closeSync(fd);
  }
}

describe("disk full while recording", () => {
  it.skipIf(mountRefused !== undefined)(`logs it once, keeps live state, and records everything when space returns${mountRefused ? ` (skipped: cannot mount a tmpfs: ${mountRefused})` : ""}`, async () => {
    mountDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-disk-full-"));
    expect(tryMount(mountDir, "16m")).toBeUndefined();
    const logs: Array<Record<string, unknown>> = [];
    t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true", HEARTH_HISTORY_COMMIT_MS: "100" }, path.join(mountDir, "data"), { logs });
    device = await mqtt.connectAsync(t.mqttUrl, { clientId: "disk-full-probe", reconnectPeriod: 0 });
    const entity = "sensor.disk_probe";
    // Big attributes make every change a new attribute row: the database must grow with each one.
    const config = { name: "Probe", uniq_id: "disk_probe", stat_t: "disk/probe", json_attr_t: "disk/probe/attrs", dev: { ids: ["disk-dev"], name: "Disk" } };
    await device.publishAsync("homeassistant/sensor/disk/probe/config", JSON.stringify(config), { retain: true, qos: 1 });
    await until(() => t!.hub.api.states.find(entity), "the probe entity");
    const publish = async (n: number) => {
      await device!.publishAsync("disk/probe/attrs", JSON.stringify({ n, pad: `${n}`.padEnd(16_000, "x") }), { qos: 1 });
      await device!.publishAsync("disk/probe", String(n), { qos: 1 });
    };
    const since = Date.now() - 1000;
    await publish(0);
    await until(() => (t!.hub.api.history.recorder().recorded > 0 && t!.hub.api.history.recorder().pending === 0 ? true : undefined), "the first commit");

    // The disk fills up.
    const filler = path.join(mountDir, "filler");
    fill(filler);
    // Changes keep coming until a commit fails (the WAL has some room left from before).
    const sent: string[] = ["0"];
    let n = 0;
    while (t.hub.api.history.recorder().lastError === null && n < 400) {
      await publish(++n);
      sent.push(String(n));
      if (n % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect(t.hub.api.history.recorder().lastError, "a commit failed").toMatch(/full|SQLITE_FULL|ENOSPC/i);
    // Live state goes on: the last value is the entity's state.
    await publish(++n);
    sent.push(String(n));
    await until(() => (t!.hub.api.states.find(entity)?.state === String(n) ? true : undefined), "the live state");
    // Several more commit intervals fail; the error is logged once, clearly, not once per retry.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const failures = logs.filter((l) => typeof l.msg === "string" && l.msg.startsWith("recording history failed"));
    expect(failures.length).toBe(1);
    expect(String((failures[0]!.err as { message?: string } | undefined)?.message)).toMatch(/full|SQLITE_FULL|ENOSPC/i);
    expect(t.hub.api.history.recorder().pending).toBeGreaterThan(0);
    expect(t.broker.stats().connected).toBe(true);

    // Space returns: everything kept is recorded, and the recovery is logged.
    fs.rmSync(filler);
    await until(() => (t!.hub.api.history.recorder().pending === 0 && t!.hub.api.history.recorder().lastError === null ? true : undefined), "recording resumed", 10_000);
    expect(logs.some((l) => l.msg === "recording history resumed")).toBe(true);
    await publish(++n);
    sent.push(String(n));
    // The broker's PUBACK means it has the message, not that the hub has handled it (the broker runs on its own
    // thread and hands messages over after acking): wait until the hub shows the last value, then write it out.
    // Flushing straight after the PUBACK could commit before the last change arrived, and miss it.
    await until(() => (t!.hub.api.states.find(entity)?.state === String(n) ? true : undefined), "the last live state");
    await t.hub.recorder.flush();
    expect(t.hub.api.history.recorder()).toMatchObject({ pending: 0, lastError: null, dropped: 0 });
    const [states = []] = t.hub.api.history.period({ start: new Date(since).toISOString(), end_time: new Date(Date.now() + 60_000).toISOString(), filter_entity_id: entity, significant_changes_only: "0", skip_initial_state: true });
    const recorded = new Set(states.map((s) => s.state));
    expect(sent.filter((v) => !recorded.has(v))).toEqual([]);
  }, 60_000);
});
