import { describe, expect, it } from "vitest";
import { compileAcl, mayRead, mayWrite } from "../mqtt-acl/acl-rules";
import { pairingAcl } from "./pairing-acls";

describe("pairing ACL defaults", () => {
  it("Zigbee2MQTT: its base topic and the discovery prefix", () => {
    const rules = pairingAcl({ kind: "zigbee2mqtt", discoveryPrefix: "ha", username: "pair-z", baseTopic: "zb" });
    const acl = compileAcl(rules, { username: "pair-z", clientId: "z" });
    expect(mayWrite(acl, "zb/bridge/state")).toBe(true);
    expect(mayRead(acl, "zb/lamp/set")).toBe(true);
    expect(mayWrite(acl, "ha/light/zb_lamp/config")).toBe(true);
    expect(mayWrite(acl, "zigbee2mqtt/bridge/state")).toBe(false);
  });

  it("Tasmota: the Topic the snippet sets, always homeassistant/ for discovery, plus Hearth's prefix", () => {
    const rules = pairingAcl({ kind: "tasmota", discoveryPrefix: "ha", username: "pair-t", deviceTopic: "Kitchen Plug" });
    const acl = compileAcl(rules, { username: "pair-t", clientId: "DVES_1A2B3C" });
    expect(mayWrite(acl, "tele/kitchen_plug/STATE")).toBe(true);
    expect(mayRead(acl, "cmnd/DVES_1A2B3C_fb/POWER")).toBe(true);
    expect(mayWrite(acl, "cmnd/tasmotas/POWER")).toBe(false);
    expect(mayWrite(acl, "homeassistant/switch/x/config")).toBe(true);
    expect(mayWrite(acl, "ha/switch/x/config")).toBe(true);
    expect(mayWrite(acl, "tele/other/STATE")).toBe(false);
  });

  it("ESPHome and generic: readwrite everything, written out", () => {
    expect(pairingAcl({ kind: "esphome", discoveryPrefix: "homeassistant", username: "e" })).toEqual([{ access: "readwrite", pattern: "#" }]);
  });
});
