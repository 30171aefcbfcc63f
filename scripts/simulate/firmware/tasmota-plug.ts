import { Random, clamp, drift, round, seedFor, stableHex } from "../noise";
import type { DeviceContext, OutMessage, Outbox, Reporter, SimulatedDevice } from "../simulated-device";
import { TASMOTA_MODULE, TASMOTA_VERSION, type TasmotaIdentity, tasmotaConfigs } from "./tasmota-discovery";

const GROUP_TOPIC = "tasmotas";
const pad = (n: number): string => String(n).padStart(2, "0");

/** Tasmota's local timestamp ("2024-11-03T10:15:02", no zone). */
function tasmotaTime(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Tasmota's uptime ("0T01:00:12": days, then hh:mm:ss). */
function tasmotaUptime(seconds: number): string {
  const s = Math.floor(seconds);
  return `${Math.floor(s / 86400)}T${pad(Math.floor(s / 3600) % 24)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

/** The POWER command's state words (GetStateNumber): off/on/toggle, their numbers, false/true. */
function parsePower(payload: string): "ON" | "OFF" | "TOGGLE" | "QUERY" | undefined {
  const p = payload.trim().toLowerCase();
  if (p === "") return "QUERY";
  if (p === "on" || p === "1" || p === "true") return "ON";
  if (p === "off" || p === "0" || p === "false") return "OFF";
  if (p === "toggle" || p === "2") return "TOGGLE";
  return undefined;
}

/**
 * A Sonoff POW R2 on Tasmota with legacy HA discovery: relay on `cmnd/<topic>/POWER`, energy telemetry on
 * `tele/<topic>/SENSOR`, LWT `Online`/`Offline`, and SetOption59 (tele/STATE after every power change).
 */
export class TasmotaPlug implements SimulatedDevice {
  readonly kind = "tasmota-plug";
  readonly home: number;
  readonly clientId: string;
  readonly description: string;
  readonly keepaliveS = 30;
  readonly will: SimulatedDevice["will"];
  readonly subscriptions: readonly string[];
  readonly reporters: readonly Reporter[];
  readonly #id: TasmotaIdentity;
  readonly #configs: OutMessage[];
  readonly #rng: Random;
  readonly #birthTopic: string;
  readonly #bootedAt = Date.now();
  readonly #hostname: string;
  readonly #ip: string;
  #power: "ON" | "OFF" = "ON";
  #load: number;
  #voltage = 231;
  #signal: number;
  #total: number;
  #today: number;
  #periodWh = 0;
  #mqttCount = 0;
  #reports = 0;

  constructor(ctx: DeviceContext) {
    const chip = stableHex(`tasmota/home${ctx.home}`, 6).toUpperCase();
    const name = ctx.home === 1 ? "Kitchen Plug" : `Kitchen Plug ${ctx.home}`;
    this.#id = { prefix: ctx.prefix, chip, topic: `tasmota_${chip}`, friendlyName: name, deviceName: name };
    this.home = ctx.home;
    this.clientId = `DVES_${chip}`;
    this.#rng = new Random(seedFor(this.clientId, ctx.seed));
    this.#birthTopic = `${ctx.prefix}/status`;
    this.#configs = tasmotaConfigs(this.#id);
    this.#hostname = `tasmota-${chip}-${String(Number.parseInt(chip, 16) % 10000).padStart(4, "0")}`;
    this.#ip = `192.168.1.${20 + (Number.parseInt(chip.slice(-2), 16) % 200)}`;
    this.#load = this.#rng.between(40, 80);
    this.#signal = this.#rng.between(-70, -55);
    this.#total = round(this.#rng.between(5, 40), 3);
    this.#today = round(this.#rng.between(0, 0.5), 3);
    const topic = this.#id.topic;
    this.will = { topic: `tele/${topic}/LWT`, payload: "Offline", retain: true, qos: 1 };
    this.subscriptions = [`cmnd/${topic}/#`, `cmnd/${GROUP_TOPIC}/#`, this.#birthTopic];
    this.reporters = [(out) => this.#report(out)];
    this.description = `tasmota plug "${name}" (topic ${topic}) as ${this.clientId}: relay + ${this.#configs.length - 1} sensors`;
  }

  /** Boot after (re)connect: LWT Online, INFO1-3, retained discovery, then the first telemetry. */
  announce(out: Outbox): void {
    const t = this.#id.topic;
    this.#mqttCount++;
    out.publish(`tele/${t}/LWT`, "Online", true, 1);
    out.publish(
      `tele/${t}/INFO1`,
      JSON.stringify({ Info1: { Module: TASMOTA_MODULE, Version: TASMOTA_VERSION, FallbackTopic: `cmnd/${this.clientId}_fb/`, GroupTopic: `cmnd/${GROUP_TOPIC}/` } }),
    );
    out.publish(`tele/${t}/INFO2`, JSON.stringify({ Info2: { WebServerMode: "Admin", Hostname: this.#hostname, IPAddress: this.#ip } }));
    out.publish(`tele/${t}/INFO3`, JSON.stringify({ Info3: { RestartReason: "Software/System restart", BootCount: 12 } }));
    for (const config of this.#configs) out.publish(config.topic, config.payload, true);
    this.#publishState(out);
    this.#publishSensor(out);
    this.#publishHassState(out);
  }

  receive(topic: string, payload: string, out: Outbox): boolean {
    if (topic === this.#birthTopic) {
      // xdrv_12 HAssMqttLWT: on the controller's "online" it re-publishes tele/STATE (configs stay retained).
      if (payload.toLowerCase() === "online") this.#publishState(out);
      return false;
    }
    const command = topic.slice(topic.lastIndexOf("/") + 1).toUpperCase();
    const result = `stat/${this.#id.topic}/RESULT`;
    if (command !== "POWER" && command !== "POWER1") {
      out.publish(result, '{"Command":"Unknown"}');
      return false;
    }
    const action = parsePower(payload);
    if (action === undefined) {
      out.publish(result, '{"Command":"Error"}');
      return false;
    }
    if (action === "ON" || action === "OFF") this.#power = action;
    else if (action === "TOGGLE") this.#power = this.#power === "ON" ? "OFF" : "ON";
    out.publish(result, JSON.stringify({ POWER: this.#power }));
    out.publish(`stat/${this.#id.topic}/POWER`, this.#power);
    if (action !== "QUERY") this.#publishState(out);
    return true;
  }

  /** Energy metering: the load wanders while the relay is on; Total and Today integrate it. */
  advance(dtMs: number): void {
    const dtS = dtMs / 1000;
    const rng = this.#rng;
    this.#voltage = clamp(drift(this.#voltage, 231, 0.05, 0.4, dtS, rng), 220, 242);
    this.#signal = clamp(drift(this.#signal, -62, 0.01, 0.5, dtS, rng), -90, -35);
    if (this.#power === "OFF") return;
    this.#load = clamp(drift(this.#load, 60, 0.02, 2, dtS, rng), 5, 2200);
    if (rng.chance(0.002 * dtS)) this.#load += rng.between(300, 1800); // a kettle or heater switching in
    const wh = (this.#load * dtS) / 3600;
    this.#periodWh += wh;
    this.#total += wh / 1000;
    this.#today += wh / 1000;
  }

  farewell(): readonly OutMessage[] {
    return [{ topic: `tele/${this.#id.topic}/LWT`, payload: "Offline" }];
  }

  dispose(): void {}

  /** Telemetry: mostly tele/SENSOR (ENERGY), now and then tele/STATE and the HASS_STATE status. */
  #report(out: Outbox): number {
    const n = this.#reports++ % 10;
    if (n === 0) this.#publishState(out);
    else if (n === 5) this.#publishHassState(out);
    else this.#publishSensor(out);
    return 1;
  }

  #publishState(out: Outbox): void {
    const uptime = (Date.now() - this.#bootedAt) / 1000;
    const rssi = Math.round(clamp(2 * (this.#signal + 100), 0, 100));
    out.publish(
      `tele/${this.#id.topic}/STATE`,
      JSON.stringify({
        Time: tasmotaTime(new Date()),
        Uptime: tasmotaUptime(uptime),
        UptimeSec: Math.floor(uptime),
        Heap: 27,
        SleepMode: "Dynamic",
        Sleep: 50,
        LoadAvg: 19,
        MqttCount: this.#mqttCount,
        POWER: this.#power,
        Wifi: { AP: 1, SSId: "home", BSSId: "30:B5:C2:11:22:33", Channel: 6, Mode: "11n", RSSI: rssi, Signal: Math.round(this.#signal), LinkCount: 1, Downtime: "0T00:00:03" },
      }),
    );
  }

  #publishSensor(out: Outbox): void {
    const on = this.#power === "ON";
    const power = on ? Math.round(this.#load) : 0;
    const factor = on ? round(clamp(0.84 + this.#rng.gaussian() * 0.01, 0.5, 1), 2) : 0;
    const apparent = on ? Math.round(power / Math.max(factor, 0.01)) : 0;
    const energy = {
      TotalStartTime: "2023-11-02T09:12:40",
      Total: round(this.#total, 3),
      Yesterday: 0.512,
      Today: round(this.#today, 3),
      Period: Math.round(this.#periodWh),
      Power: power,
      ApparentPower: apparent,
      ReactivePower: Math.round(Math.sqrt(Math.max(0, apparent * apparent - power * power))),
      Factor: factor,
      Voltage: Math.round(this.#voltage),
      Current: on ? round(apparent / this.#voltage, 3) : 0,
    };
    this.#periodWh = 0;
    out.publish(`tele/${this.#id.topic}/SENSOR`, JSON.stringify({ Time: tasmotaTime(new Date()), ENERGY: energy }));
  }

  #publishHassState(out: Outbox): void {
    const uptime = tasmotaUptime((Date.now() - this.#bootedAt) / 1000);
    out.publish(
      `tele/${this.#id.topic}/HASS_STATE`,
      JSON.stringify({
        Version: TASMOTA_VERSION,
        BuildDateTime: "2024-10-18T09:02:17",
        "Module or Template": TASMOTA_MODULE,
        RestartReason: "Software/System restart",
        Uptime: uptime,
        Hostname: this.#hostname,
        IPAddress: this.#ip,
        RSSI: String(Math.round(clamp(2 * (this.#signal + 100), 0, 100))),
        "Signal (dBm)": String(Math.round(this.#signal)),
        "WiFi LinkCount": 1,
        "WiFi Downtime": "0T00:00:03",
        MqttCount: this.#mqttCount,
        LoadAvg: 19,
      }),
    );
  }
}
