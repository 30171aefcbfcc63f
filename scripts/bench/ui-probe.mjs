// A Home Assistant WebSocket client in a worker thread of the bench: subscribe_entities for the open room's
// entities only (so it adds little work to the hub), every frame stamped on arrival with
// performance.timeOrigin + performance.now(). Publish -> this stamp is the hub's share of the page's latency
// (broker, state store, live feed, socket), free of the browser. A worker, so Playwright and the publisher on
// the bench's main thread do not delay the stamps.
import { performance } from "node:perf_hooks";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import WebSocket from "ws";

const READY_TIMEOUT_MS = 15_000;
const MAX_FRAMES = 400_000;

/** Starts the probe; resolves once its subscription's first snapshot arrived. */
export async function startProbe({ url, token, entityIds }) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { url, token, entityIds } });
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`probe: no snapshot within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
    worker.on("message", (m) => {
      if (m.ev === "ready") {
        clearTimeout(timer);
        resolve();
      } else if (m.ev === "error") {
        clearTimeout(timer);
        reject(new Error(`probe: ${m.message}`));
      }
    });
    worker.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
  try {
    await ready;
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  return {
    /** Ends the probe; its frames as [time, text]. */
    stop: () =>
      new Promise((resolve) => {
        const timer = setTimeout(() => resolve([]), 10_000);
        worker.on("message", (m) => {
          if (m.ev !== "frames") return;
          clearTimeout(timer);
          resolve(m.frames);
        });
        worker.postMessage("stop");
      }).finally(() => worker.terminate()),
    terminate: () => worker.terminate(),
  };
}

function runProbe({ url, token, entityIds }) {
  const now = () => performance.timeOrigin + performance.now();
  const frames = [];
  let ready = false;
  const ws = new WebSocket(url);
  ws.on("message", (data) => {
    const t = now();
    const text = data.toString();
    if (ready) {
      if (frames.length < MAX_FRAMES) frames.push([t, text]);
      return;
    }
    const msg = JSON.parse(text);
    if (msg.type === "auth_required") ws.send(JSON.stringify({ type: "auth", access_token: token }));
    else if (msg.type === "auth_ok") ws.send(JSON.stringify({ id: 1, type: "subscribe_entities", entity_ids: entityIds }));
    else if (msg.type === "auth_invalid") parentPort.postMessage({ ev: "error", message: `auth_invalid: ${msg.message}` });
    else if (msg.type === "event" && msg.event?.a) {
      ready = true;
      parentPort.postMessage({ ev: "ready" });
    }
  });
  ws.on("error", (err) => parentPort.postMessage({ ev: "error", message: err.message }));
  parentPort.on("message", (m) => {
    if (m !== "stop") return;
    parentPort.postMessage({ ev: "frames", frames });
    ws.close();
  });
}

if (!isMainThread && workerData?.url) runProbe(workerData);
