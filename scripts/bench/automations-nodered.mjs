// Node-RED for the automations bench's comparison: installed from the npm registry into a cache outside the repo
// (os.tmpdir()/hearth-bench-nodered/<version spec>, once; later runs reuse it), run headless (no editor, no HTTP
// server, no telemetry or update checks) with one flow against the hub's broker on loopback:
//
//   mqtt in `bench/nr/+/in` (QoS 0) -> switch (msg.payload is not null) -> mqtt out `bench/nr/out` (QoS 0)
//
// Which version: node-red@latest needs the Node it declares in `engines` (5.x: >= 22.9); on an older Node the newest
// 4.x is taken instead, and the report says which ran. BENCH_NODE_RED_SPEC (e.g. "4.1.8") overrides.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { lastLines } from "./brokers.mjs";
import { freePort, makeTempDir, sleep, spawnTracked, stopTracked } from "./processes.mjs";

const INSTALL_TIMEOUT_MS = 5 * 60_000;
const CONNECT_TIMEOUT_MS = 60_000;
export const NODE_RED_TOPICS = { in: "bench/nr/x/in", out: "bench/nr/out", subscribe: "bench/nr/+/in" };

function defaultSpec() {
  const [major, minor] = process.versions.node.split(".").map(Number);
  return major > 22 || (major === 22 && minor >= 9) ? "latest" : "4";
}

let installing;

/**
 * Node-RED's red.js and version, installing it first when the cache has none: `npm install --no-save --prefix DIR
 * node-red@SPEC`, bounded to 5 minutes. Resolves { ok: false, reason } when that fails (no registry, say).
 */
export function ensureNodeRed() {
  installing ??= install();
  return installing;
}

async function install() {
  const spec = process.env.BENCH_NODE_RED_SPEC || defaultSpec();
  const dir = path.join(os.tmpdir(), "hearth-bench-nodered", spec.replace(/[^\w.-]/g, "_"));
  const redJs = path.join(dir, "node_modules", "node-red", "red.js");
  const marker = path.join(dir, ".installed");
  const found = () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, "node_modules", "node-red", "package.json"), "utf8"));
    return { ok: true, redJs, version: pkg.version, spec, dir, cached: true };
  };
  if (fs.existsSync(marker) && fs.existsSync(redJs)) {
    try {
      return found();
    } catch {
      // a damaged cache: install again
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  process.stderr.write(`  automations: installing node-red@${spec} into ${dir} (once; up to ${INSTALL_TIMEOUT_MS / 60_000} min)...\n`);
  const t0 = Date.now();
  const npm = spawnTracked("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--omit=dev", "--loglevel=error", "--prefix", dir, `node-red@${spec}`], { cwd: dir, env: process.env });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void stopTracked(npm, 2000);
  }, INSTALL_TIMEOUT_MS);
  const exit = await npm.exited;
  clearTimeout(timer);
  await stopTracked(npm, 1000);
  if (timedOut || exit.code !== 0 || !fs.existsSync(redJs)) {
    const why = timedOut ? `timed out after ${INSTALL_TIMEOUT_MS / 1000} s` : `npm exited ${exit.code ?? exit.signal}: ${lastLines(npm.tail(), 2)}`;
    fs.rmSync(dir, { recursive: true, force: true });
    return { ok: false, spec, reason: `install failed: ${why}`.replace(/\s+/g, " ").slice(0, 300) };
  }
  fs.writeFileSync(marker, `${new Date().toISOString()}\n`);
  return { ...found(), cached: false, install_s: Math.round((Date.now() - t0) / 1000) };
}

/** The bench's flow: mqtt in -> switch (payload not null) -> mqtt out, all on the hub's broker. */
function flows(brokerPort) {
  return [
    { id: "bench_tab", type: "tab", label: "bench", disabled: false, info: "" },
    {
      id: "bench_broker", type: "mqtt-broker", name: "hub", broker: "127.0.0.1", port: String(brokerPort), clientid: "", autoConnect: true,
      usetls: false, protocolVersion: "4", keepalive: "60", cleansession: true, autoUnsubscribe: true,
      birthTopic: "", birthQos: "0", birthPayload: "", birthMsg: {}, closeTopic: "", closeQos: "0", closePayload: "", closeMsg: {},
      willTopic: "", willQos: "0", willPayload: "", willMsg: {}, userProps: "", sessionExpiry: "",
    },
    { id: "bench_in", type: "mqtt in", z: "bench_tab", name: "probe in", topic: NODE_RED_TOPICS.subscribe, qos: "0", datatype: "utf8", broker: "bench_broker", nl: false, rap: true, rh: 0, inputs: 0, x: 100, y: 100, wires: [["bench_switch"]] },
    { id: "bench_switch", type: "switch", z: "bench_tab", name: "not null", property: "payload", propertyType: "msg", rules: [{ t: "nnull" }], checkall: "true", repair: false, outputs: 1, x: 300, y: 100, wires: [["bench_out"]] },
    { id: "bench_out", type: "mqtt out", z: "bench_tab", name: "probe out", topic: NODE_RED_TOPICS.out, qos: "0", retain: "false", respTopic: "", contentType: "", userProps: "", correl: "", expiry: "", broker: "bench_broker", x: 500, y: 100, wires: [] },
  ];
}

function settings(uiPort) {
  // Headless: with httpAdminRoot and httpNodeRoot false Node-RED starts no HTTP server; the port and host are set to
  // a free loopback port anyway, should a version do otherwise.
  return `module.exports = ${JSON.stringify(
    {
      flowFile: "flows.json",
      uiPort,
      uiHost: "127.0.0.1",
      httpAdminRoot: false,
      httpNodeRoot: false,
      disableEditor: true,
      credentialSecret: false,
      flowFilePretty: false,
      diagnostics: { enabled: false, ui: false },
      runtimeState: { enabled: false, ui: false },
      telemetry: { enabled: false },
      externalModules: { autoInstall: false, palette: { allowInstall: false } },
      logging: { console: { level: "info", metrics: false, audit: false } },
    },
    null,
    2,
  )};\n`;
}

/**
 * Starts Node-RED (plain node, its own temp user dir) and waits until its MQTT node connected to the hub's broker.
 * Answers { proc, pid, stop() }; throws with its last log lines when it does not connect within 60 s.
 */
export async function startNodeRed(installed, brokerPort) {
  const userDir = makeTempDir(path.join(os.tmpdir(), "hearth-bench-nr-user-"));
  fs.writeFileSync(path.join(userDir, "flows.json"), JSON.stringify(flows(brokerPort)));
  fs.writeFileSync(path.join(userDir, "settings.js"), settings(await freePort()));
  let connected = false;
  const proc = spawnTracked(process.execPath, [installed.redJs, "--userDir", userDir, "--settings", path.join(userDir, "settings.js")], {
    cwd: userDir,
    env: { PATH: process.env.PATH, HOME: userDir, NODE_ENV: "production" },
    onLine: (line) => {
      if (/Connected to broker/i.test(line)) connected = true;
    },
  });
  const stop = () => stopTracked(proc, 5000);
  const deadline = Date.now() + CONNECT_TIMEOUT_MS;
  while (!connected) {
    if (proc.hasExited()) throw new Error(`node-red exited before connecting: ${lastLines(proc.tail(), 3)}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`node-red did not connect to the broker within ${CONNECT_TIMEOUT_MS / 1000} s: ${lastLines(proc.tail(), 3)}`);
    }
    await sleep(100);
  }
  return { proc, pid: proc.pid, userDir, stop };
}
