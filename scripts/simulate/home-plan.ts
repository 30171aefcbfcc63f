import { createEsphomeCover } from "./firmware/esphome-cover";
import { createEsphomeEnvNode } from "./firmware/esphome-env-node";
import { createEsphomeThermostat } from "./firmware/esphome-thermostat";
import { TasmotaPlug } from "./firmware/tasmota-plug";
import { Zigbee2MqttBridge } from "./firmware/zigbee2mqtt-bridge";
import { DEVICE_KINDS, type DeviceContext, type DeviceKind, type SimulatedDevice } from "./simulated-device";

/** Device connections in one home: the Z2M bridge, the Tasmota plug and three ESPHome nodes. */
export const DEVICES_PER_HOME = DEVICE_KINDS.length;

function createDevice(kind: DeviceKind, ctx: DeviceContext): SimulatedDevice {
  switch (kind) {
    case "zigbee2mqtt-bridge":
      return new Zigbee2MqttBridge(ctx);
    case "tasmota-plug":
      return new TasmotaPlug(ctx);
    case "esphome-node":
      return createEsphomeEnvNode(ctx);
    case "esphome-thermostat":
      return createEsphomeThermostat(ctx);
    case "esphome-cover":
      return createEsphomeCover(ctx);
  }
}

/**
 * `count` device connections, filling homes in order: home 1 gets one of each kind, then home 2, and so on.
 * Ids, names and topics derive from the home number, so every run announces the same devices.
 */
export function planDevices(count: number, ctx: Omit<DeviceContext, "home">): SimulatedDevice[] {
  const devices: SimulatedDevice[] = [];
  for (let home = 1; devices.length < count; home++) {
    for (const kind of DEVICE_KINDS) {
      if (devices.length === count) break;
      devices.push(createDevice(kind, { ...ctx, home }));
    }
  }
  return devices;
}
