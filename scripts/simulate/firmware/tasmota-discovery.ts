import type { OutMessage } from "../simulated-device";

export const TASMOTA_VERSION = "13.4.0(tasmota)";
export const TASMOTA_MODULE = "Sonoff Pow R2";

export interface TasmotaIdentity {
  prefix: string;
  /** ESP chip id, six upper-case hex digits: the device identifier and unique-id stem. */
  chip: string;
  /** The MQTT %topic% (`tasmota_<chip>`). */
  topic: string;
  friendlyName: string;
  deviceName: string;
}

/** ENERGY keys announced as sensors: unit and the device-class fragment from xdrv_12's tables. */
const ENERGY_SENSORS: readonly { key: string; unit: string; deviceClass: Record<string, string> }[] = [
  { key: "Total", unit: "kWh", deviceClass: { dev_cla: "energy", stat_cla: "total_increasing" } },
  { key: "Yesterday", unit: "kWh", deviceClass: { dev_cla: "energy" } },
  { key: "Today", unit: "kWh", deviceClass: { dev_cla: "energy" } },
  { key: "Power", unit: "W", deviceClass: { dev_cla: "power" } },
  { key: "Voltage", unit: "V", deviceClass: { dev_cla: "voltage" } },
  { key: "Current", unit: "A", deviceClass: { dev_cla: "current" } },
];

const lwtTopic = (id: TasmotaIdentity): string => `tele/${id.topic}/LWT`;
const availability = (id: TasmotaIdentity) => ({ avty_t: lwtTopic(id), pl_avail: "Online", pl_not_avail: "Offline" });

/**
 * Legacy Home Assistant discovery (xdrv_12, SetOption19 1): hand-built compact JSON with fixed key order,
 * one topic per entity without a node id, retained. Only the status sensor carries the full device block.
 */
export function tasmotaConfigs(id: TasmotaIdentity): OutMessage[] {
  const relay = {
    name: id.friendlyName,
    stat_t: `tele/${id.topic}/STATE`,
    ...availability(id),
    cmd_t: `cmnd/${id.topic}/POWER`,
    pl_off: "OFF",
    pl_on: "ON",
    val_tpl: "{{value_json.POWER}}",
    uniq_id: `${id.chip}_RL_1`,
    dev: { ids: [id.chip] },
  };
  const configs: OutMessage[] = [
    { topic: `${id.prefix}/switch/${id.chip}_RL_1/config`, payload: JSON.stringify(relay) },
  ];
  for (const sensor of ENERGY_SENSORS) {
    const config = {
      name: `${id.deviceName} ENERGY ${sensor.key}`,
      stat_t: `tele/${id.topic}/SENSOR`,
      ...availability(id),
      uniq_id: `${id.chip}_ENERGY_${sensor.key}`,
      dev: { ids: [id.chip] },
      unit_of_meas: sensor.unit,
      ...sensor.deviceClass,
      frc_upd: true,
      val_tpl: `{{value_json['ENERGY']['${sensor.key}']}}`,
    };
    configs.push({ topic: `${id.prefix}/sensor/${id.chip}_ENERGY_${sensor.key}/config`, payload: JSON.stringify(config) });
  }
  const status = {
    name: `${id.deviceName} status`,
    stat_t: `tele/${id.topic}/HASS_STATE`,
    ...availability(id),
    json_attr_t: `tele/${id.topic}/HASS_STATE`,
    unit_of_meas: "%",
    val_tpl: "{{value_json['RSSI']}}",
    ic: "mdi:information-outline",
    uniq_id: `${id.chip}_status`,
    dev: { ids: [id.chip], name: id.deviceName, mdl: TASMOTA_MODULE, sw: TASMOTA_VERSION, mf: "Tasmota" },
  };
  configs.push({ topic: `${id.prefix}/sensor/${id.chip}_status/config`, payload: JSON.stringify(status) });
  return configs;
}
