// Child processes of the bench: every one is tracked from spawn to exit so that an error, SIGINT or SIGTERM
// still stops each broker and harness it started (by pid, then its own process group), and nothing else.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";

const live = new Set();
const tempDirs = new Set();
const TAIL_BYTES = 8192;

// The connections scenario holds 2000+ sockets on each side: raise the soft fd limit for the child when allowed.
const RAISE_FD_LIMIT = 'ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"';

/**
 * Spawns `command args...` in its own process group (so a terminal's Ctrl-C reaches only the bench, which then
 * stops its children in order). stdout/stderr are drained into a bounded tail; `onLine` sees complete stdout lines.
 */
export function spawnTracked(command, args, { env, cwd, onLine, stdin = "ignore" } = {}) {
  const child = spawn("/bin/sh", ["-c", RAISE_FD_LIMIT, "sh", command, ...args], {
    cwd,
    env,
    detached: true,
    stdio: [stdin, "pipe", "pipe"],
  });
  live.add(child);
  let tail = "";
  let partial = "";
  const keep = (text) => {
    tail = (tail + text).slice(-TAIL_BYTES);
  };
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stdout.on("data", (text) => {
    keep(text);
    if (!onLine) return;
    const lines = (partial + text).split("\n");
    partial = lines.pop() ?? "";
    if (partial.length > TAIL_BYTES) partial = partial.slice(-TAIL_BYTES);
    for (const line of lines) onLine(line);
  });
  child.stderr.on("data", keep);
  const exited = new Promise((resolve) => {
    child.once("exit", (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
    child.once("error", (err) => {
      live.delete(child);
      keep(`spawn error: ${err.message}\n`);
      resolve({ code: null, signal: null, error: err });
    });
  });
  return { child, pid: child.pid, exited, tail: () => tail, hasExited: () => !live.has(child) };
}

/** SIGTERM, up to `graceMs` for a clean exit, then SIGKILL; leftovers in the child's own group are killed too. */
export async function stopTracked(proc, graceMs = 5000) {
  if (!proc) return { forced: false };
  let forced = false;
  if (!proc.hasExited()) {
    signal(proc.pid, "SIGTERM");
    if (!(await within(proc.exited, graceMs))) {
      forced = true;
      signal(proc.pid, "SIGKILL");
      await within(proc.exited, 3000);
    }
  }
  signal(-proc.pid, "SIGKILL"); // the group we created at spawn; ESRCH when it is already empty
  return { forced };
}

function signal(pid, sig) {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

async function within(promise, ms) {
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const done = await Promise.race([promise.then(() => true), timeout]);
  clearTimeout(timer);
  return done;
}

/** A fresh temp dir that is removed on exit, whatever the exit path. */
export function makeTempDir(prefix) {
  const dir = fs.mkdtempSync(prefix);
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir) {
  tempDirs.delete(dir);
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Stops every tracked child on SIGINT/SIGTERM and removes temp dirs; a last synchronous SIGKILL pass on exit. */
export function installCleanup(onInterrupt) {
  let interrupted = false;
  const stopAll = async (sig) => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\nbench: ${sig}, stopping ${live.size} child process(es)\n`);
    onInterrupt?.();
    const all = [...live].map((child) => ({
      pid: child.pid,
      exited: new Promise((resolve) => child.once("exit", resolve)),
      hasExited: () => !live.has(child),
    }));
    await Promise.all(all.map((p) => stopTracked(p, 3000)));
    process.exit(130);
  };
  process.on("SIGINT", () => void stopAll("SIGINT"));
  process.on("SIGTERM", () => void stopAll("SIGTERM"));
  process.on("exit", () => {
    for (const child of live) {
      signal(child.pid, "SIGKILL");
      signal(-child.pid, "SIGKILL");
    }
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  });
}

/** A TCP port that was free on 127.0.0.1 a moment ago (callers retry if someone takes it meanwhile). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** VmRSS and VmHWM of a process in KiB, or nulls when it is gone. */
export function readRss(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? NaN) || null;
    return { rss_kb: kib("VmRSS"), hwm_kb: kib("VmHWM") };
  } catch {
    return { rss_kb: null, hwm_kb: null };
  }
}

/**
 * Polls the hub's GET /api/health until it answers 200: "ok", "exited" when the process died first, or a
 * one-line reason after `timeoutMs`.
 */
export async function waitForHealth(proc, httpPort, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.hasExited()) return "exited";
    try {
      const res = await fetch(`http://127.0.0.1:${httpPort}/api/health`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return "ok";
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  return `no 200 from /api/health within ${timeoutMs / 1000} s`;
}
