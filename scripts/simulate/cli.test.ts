import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type TestHub, startTestHub } from "@/server/testing/test-hub";
import { parseCliOptions } from "./cli-options";

const ROOT = path.resolve(import.meta.dirname, "../..");
const hubs: TestHub[] = [];
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  await Promise.all(hubs.splice(0).map((h) => h.stop()));
});

/** Runs `npm run simulate`'s entry point; `onStdout` may act on output (e.g. send a signal). */
function runCli(args: string[], onStdout?: (all: string, child: ChildProcess) => void) {
  // One process (tsx as a loader, not its CLI wrapper), so a kill reaches the simulator itself.
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/simulate/main.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, HEARTH_SIM_PASSWORD: "" },
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    onStdout?.(stdout, child);
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("exit", (code) => resolve({ code, stdout, stderr })),
  );
}

describe("simulate CLI", () => {
  it("parses options, credentials from the environment and provisioning's data dir", () => {
    const defaults = parseCliOptions([], {});
    expect(defaults.simulation).toMatchObject({ url: "mqtt://127.0.0.1:1883", devices: 5, prefix: "homeassistant", credentials: { kind: "anonymous" } });
    expect(parseCliOptions(["--username", "sim", "--devices", "200", "--rate", "2000"], { HEARTH_SIM_PASSWORD: "secret-pw" }).simulation).toMatchObject({
      devices: 200,
      rate: 2000,
      credentials: { kind: "shared", username: "sim", password: "secret-pw" },
    });
    expect(parseCliOptions(["--provision"], { HEARTH_DATA_DIR: "/tmp/hub" }).simulation.credentials).toEqual({ kind: "provision", dataDir: "/tmp/hub" });
    expect(parseCliOptions(["--duration", "2.5"], {}).durationS).toBe(2.5);
    expect(() => parseCliOptions(["--devices", "0"], {})).toThrow(/--devices must be at least 1/);
    expect(() => parseCliOptions(["--username", "sim"], {})).toThrow(/HEARTH_SIM_PASSWORD/);
    expect(() => parseCliOptions(["--bogus"], {})).toThrow(/bogus/);
  });

  it("exits non-zero with one line naming --provision when the hub refuses anonymous clients", async () => {
    const t = await startTestHub({});
    hubs.push(t);
    const { code, stderr } = await runCli(["--url", t.mqttUrl, "--duration", "5"]);
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/refused .*--provision/);
  }, 30_000);

  it("runs for --duration, and ends cleanly on SIGTERM with the devices marked offline", async () => {
    const t = await startTestHub({ HEARTH_MQTT_ANONYMOUS: "true" });
    hubs.push(t);
    const timed = await runCli(["--url", t.mqttUrl, "--devices", "2", "--duration", "1"]);
    expect(timed.code).toBe(0);
    expect(timed.stdout.match(/^connected /gm)).toHaveLength(2);
    expect(timed.stdout).toMatch(/stopped \(duration reached\)/);

    const signalled = await runCli(["--url", t.mqttUrl, "--devices", "1"], (all, child) => {
      if (all.includes("connected ")) child.kill("SIGTERM");
    });
    expect(signalled.code).toBe(0);
    expect(signalled.stdout).toMatch(/stopped \(SIGTERM\)/);
    const retained = new Map<string, string>();
    const off = await t.hub.mqtt.subscribe("zigbee2mqtt/bridge/state", (m) => retained.set(m.topic, m.payload.toString()), { retained: true });
    await off();
    expect(retained.get("zigbee2mqtt/bridge/state")).toBe('{"state":"offline"}');
  }, 30_000);
});
