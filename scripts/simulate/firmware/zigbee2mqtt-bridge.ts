import { Random, seedFor, stableHex } from "../noise";
import type { DeviceContext, OutMessage, Outbox, Reporter, SimulatedDevice } from "../simulated-device";
import {
  type BridgeInfo,
  type EntitySpec,
  type ZigbeeDeviceInfo,
  availabilityTopic,
  bridgeConnectionStateConfig,
  bridgeStateTopic,
  contactEntity,
  deviceTopic,
  entityConfig,
  lightEntity,
  linkqualityEntity,
  measurementEntity,
} from "./zigbee2mqtt-discovery";
import { HueBulb } from "./zigbee2mqtt-light";
import { AqaraClimateSensor, AqaraContactSensor } from "./zigbee2mqtt-sensors";

const ONLINE = '{"state":"online"}';
const OFFLINE = '{"state":"offline"}';

interface ZigbeeDevice {
  info: ZigbeeDeviceInfo;
  topic: string;
  /** The next state JSON: a fresh sensor reading, or the bulb's current state. */
  report(): string;
  /** Applies a `/set` payload; undefined for devices with nothing settable (Z2M: "No converter available"). */
  apply?: (payload: string) => boolean;
}

/**
 * A Zigbee2MQTT instance: ONE MQTT connection that speaks for every Zigbee device behind its coordinator
 * (a Hue bulb, an Aqara door contact, an Aqara climate sensor), with availability enabled.
 */
export class Zigbee2MqttBridge implements SimulatedDevice {
  readonly kind = "zigbee2mqtt-bridge";
  readonly home: number;
  readonly clientId: string;
  readonly description: string;
  readonly keepaliveS = 60;
  readonly will: SimulatedDevice["will"];
  readonly subscriptions: readonly string[];
  readonly reporters: readonly Reporter[];
  readonly #bridge: BridgeInfo;
  readonly #devices: ZigbeeDevice[];
  readonly #configs: OutMessage[];
  readonly #bySetTopic = new Map<string, ZigbeeDevice>();
  readonly #byGetTopic = new Map<string, ZigbeeDevice>();
  /** Z2M's state cache (`cache_state: true`): what it re-publishes after the hub's birth message. */
  readonly #lastState = new Map<ZigbeeDevice, string>();
  readonly #birthTopic: string;
  readonly #birthDelayMs: number;
  #birthTimer: NodeJS.Timeout | undefined;

  constructor(ctx: DeviceContext) {
    const suffix = ctx.home === 1 ? "" : `_${ctx.home}`;
    const ieee = (oui: string, what: string) => `0x${oui}${stableHex(`z2m/home${ctx.home}/${what}`, 8)}`;
    this.home = ctx.home;
    this.#bridge = { prefix: ctx.prefix, baseTopic: `zigbee2mqtt${suffix}`, coordinatorIeee: ieee("00124b00", "coordinator") };
    this.#birthTopic = `${ctx.prefix}/status`;
    this.#birthDelayMs = ctx.z2mBirthDelayMs;
    this.clientId = `mqttjs_${stableHex(`z2m/home${ctx.home}/client`, 8)}`;
    const rng = new Random(seedFor(this.clientId, ctx.seed));

    const bulbInfo: ZigbeeDeviceInfo = {
      ieee: ieee("00178801", "bulb"),
      friendlyName: `living_room_bulb${suffix}`,
      manufacturer: "Philips",
      model: "Hue White and Color Ambiance E26/E27",
      modelId: "9290022166",
    };
    const contactInfo: ZigbeeDeviceInfo = {
      ieee: ieee("00158d00", "contact"),
      friendlyName: `front_door${suffix}`,
      manufacturer: "Aqara",
      model: "Door and window sensor",
      modelId: "MCCGQ11LM",
    };
    const climateInfo: ZigbeeDeviceInfo = {
      ieee: ieee("00158d00", "climate"),
      friendlyName: `living_room_th${suffix}`,
      manufacturer: "Aqara",
      model: "Temperature and humidity sensor",
      modelId: "WSDCGQ11LM",
      hwVersion: 30,
    };
    const bulb = new HueBulb();
    const contact = new AqaraContactSensor(rng);
    const climate = new AqaraClimateSensor(rng);
    const entities: [ZigbeeDevice, EntitySpec[]][] = [
      [
        { info: bulbInfo, topic: deviceTopic(this.#bridge, bulbInfo), report: () => this.#bulbReport(bulb, rng), apply: (p) => bulb.apply(p) },
        [lightEntity(this.#bridge, bulbInfo), linkqualityEntity()],
      ],
      [
        { info: contactInfo, topic: deviceTopic(this.#bridge, contactInfo), report: () => contact.report() },
        [contactEntity(), measurementEntity("battery", "battery", "%", true), linkqualityEntity()],
      ],
      [
        { info: climateInfo, topic: deviceTopic(this.#bridge, climateInfo), report: () => climate.report() },
        [
          measurementEntity("temperature", "temperature", "°C"),
          measurementEntity("humidity", "humidity", "%"),
          measurementEntity("pressure", "atmospheric_pressure", "hPa"),
          measurementEntity("battery", "battery", "%", true),
          linkqualityEntity(),
        ],
      ],
    ];
    this.#devices = entities.map(([device]) => device);
    this.#configs = [
      bridgeConnectionStateConfig(this.#bridge),
      ...entities.flatMap(([device, specs]) => specs.map((spec) => entityConfig(this.#bridge, device.info, spec))),
    ];
    for (const device of this.#devices) {
      this.#bySetTopic.set(`${device.topic}/set`, device);
      this.#byGetTopic.set(`${device.topic}/get`, device);
    }
    const base = this.#bridge.baseTopic;
    this.will = { topic: bridgeStateTopic(this.#bridge), payload: OFFLINE, retain: true, qos: 1 };
    this.subscriptions = [`${base}/+/set`, `${base}/+/get`, this.#birthTopic];
    this.reporters = this.#devices.map((device) => (out: Outbox) => this.#publishState(device, device.report(), out));
    this.description =
      `zigbee2mqtt bridge "${base}" as ${this.clientId}: ${this.#devices.length} zigbee devices ` +
      `(${this.#devices.map((d) => d.info.friendlyName).join(", ")}), ${this.#configs.length} entities`;
  }

  /** Z2M's start-up order: bridge online, discovery (retained, QoS 1), device availability, then states. */
  announce(out: Outbox): void {
    out.publish(bridgeStateTopic(this.#bridge), ONLINE, true, 1);
    for (const config of this.#configs) out.publish(config.topic, config.payload, true, 1);
    for (const device of this.#devices) out.publish(availabilityTopic(this.#bridge, device.info), ONLINE, true, 1);
    for (const device of this.#devices) this.#publishState(device, this.#lastState.get(device) ?? device.report(), out);
  }

  receive(topic: string, payload: string, out: Outbox): boolean {
    if (topic === this.#birthTopic) {
      // Z2M keeps its configs retained and does not resend them; 30 s after the birth it re-publishes
      // bridge/state and every cached device state (DISCOVERY.md §11).
      if (payload === "online") this.#scheduleBirthReplay(out);
      return false;
    }
    const target = this.#bySetTopic.get(topic);
    if (target) {
      if (!target.apply?.(payload)) return false;
      this.#publishState(target, target.report(), out);
      return true;
    }
    const queried = this.#byGetTopic.get(topic);
    if (queried) {
      this.#publishState(queried, this.#lastState.get(queried) ?? queried.report(), out);
      return true;
    }
    return false;
  }

  advance(): void {}

  farewell(): readonly OutMessage[] {
    return [{ topic: bridgeStateTopic(this.#bridge), payload: OFFLINE }];
  }

  dispose(): void {
    clearTimeout(this.#birthTimer);
    this.#birthTimer = undefined;
  }

  #scheduleBirthReplay(out: Outbox): void {
    clearTimeout(this.#birthTimer);
    this.#birthTimer = setTimeout(() => {
      this.#birthTimer = undefined;
      out.publish(bridgeStateTopic(this.#bridge), ONLINE, true, 1);
      for (const device of this.#devices) {
        const last = this.#lastState.get(device);
        if (last !== undefined) out.publish(device.topic, last);
      }
    }, this.#birthDelayMs);
  }

  #publishState(device: ZigbeeDevice, state: string, out: Outbox): number {
    this.#lastState.set(device, state);
    out.publish(device.topic, state);
    return 1;
  }

  #bulbReport(bulb: HueBulb, rng: Random): string {
    bulb.linkquality = Math.max(150, Math.min(255, Math.round(bulb.linkquality + rng.gaussian() * 3)));
    return bulb.encode();
  }
}
