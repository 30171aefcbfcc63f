import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Level } from "level";
import { afterEach, describe, expect, it } from "vitest";
import { readClientsWithState, skipStatelessClients } from "./session-index";

const dbs: Level<string, Buffer>[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.close();
});

async function level() {
  const db = new Level<string, Buffer>(fs.mkdtempSync(path.join(os.tmpdir(), "hearth-level-")), { valueEncoding: "buffer" });
  await db.open();
  dbs.push(db);
  return db;
}

describe("session index", () => {
  it("reads the client ids behind every kind of per-client key, and ignores retained messages", async () => {
    const db = await level();
    const v = Buffer.from("x");
    await db.batch([
      { type: "put", key: `subscriptions:${encodeURIComponent("z2m:bridge")}:zigbee2mqtt/#`, value: v },
      { type: "put", key: `outgoing:sleepy:broker1:0000000000000001`, value: v },
      { type: "put", key: `outgoing-id:${encodeURIComponent("a b/c")}:0000000000000007`, value: v },
      { type: "put", key: "incoming:q2client:0000000000000001", value: v },
      { type: "put", key: `will:${encodeURIComponent("DVES_541AE6")}`, value: v },
      { type: "put", key: "retained:homeassistant/status", value: v },
    ]);
    expect([...(await readClientsWithState(db))].sort()).toEqual(["DVES_541AE6", "a b/c", "q2client", "sleepy", "z2m:bridge"]);
  });

  it("answers stateless clients from memory and passes everything else through", async () => {
    const calls: string[] = [];
    const record = (name: string, result: unknown = "stored") => (client: { id?: string; clientId?: string; clean?: boolean } | null, _packet?: unknown) => {
      calls.push(`${name}:${client?.id ?? client?.clientId ?? "-"}`);
      return Promise.resolve(result);
    };
    const store = {
      addSubscriptions: record("addSubscriptions"),
      outgoingEnqueue: record("outgoingEnqueue"),
      outgoingEnqueueCombi: (subs: { clientId: string }[], _packet?: unknown) =>
        record("outgoingEnqueueCombi")({ id: subs.map((s) => s.clientId).join(",") }),
      outgoingUpdate: record("outgoingUpdate"),
      incomingStorePacket: record("incomingStorePacket"),
      putWill: record("putWill"),
      subscriptionsByClient: record("subscriptionsByClient", ["sub"]),
      cleanSubscriptions: record("cleanSubscriptions"),
      cleanIncoming: record("cleanIncoming"),
      delWill: record("delWill"),
      outgoingClearMessageId: record("outgoingClearMessageId"),
    };
    const withState = new Set(["old-device"]);
    skipStatelessClients(store, withState);

    // A fresh clean client: nothing reaches the store.
    expect(await store.cleanSubscriptions({ id: "bench-1" })).toBeUndefined();
    expect(await store.delWill({ id: "bench-1" })).toBeUndefined();
    expect(await store.subscriptionsByClient({ id: "bench-1" })).toEqual([]);
    expect(calls).toEqual([]);
    // A client known from the store on start still reaches it (its will must be cleared).
    expect(await store.delWill({ id: "old-device" })).toBe("stored");
    // Writing state marks the client; from then on its reads go through.
    await store.putWill({ id: "bench-1" }, {});
    expect(await store.delWill({ id: "bench-1" })).toBe("stored");
    await store.outgoingEnqueueCombi([{ clientId: "sleepy" }], {});
    expect(await store.subscriptionsByClient({ id: "sleepy" })).toEqual(["sub"]);
    // A clean client's acks never need the store, even when the id has state.
    expect(await store.outgoingClearMessageId({ id: "old-device", clean: true }, {})).toBeUndefined();
    expect(await store.outgoingClearMessageId({ id: "old-device", clean: false }, {})).toBe("stored");
    expect(calls).toEqual([
      "delWill:old-device",
      "putWill:bench-1",
      "delWill:bench-1",
      "outgoingEnqueueCombi:sleepy",
      "subscriptionsByClient:sleepy",
      "outgoingClearMessageId:old-device",
    ]);
  });
});
