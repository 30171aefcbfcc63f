import { stableHex } from "../noise";
import type { DeviceContext, DeviceKind, OutMessage, Outbox, Reporter, SimulatedDevice } from "../simulated-device";

export const ESPHOME_SW = "2024.10.2 (Oct 25 2024, 11:05:25)";

export interface EsphomeIdentity {
  prefix: string;
  /** App name: MQTT topic prefix, discovery node id and client-id stem. */
  nodeName: string;
  friendlyName: string;
  /** Twelve lower-case hex digits, no separators (get_mac_address()). */
  mac: string;
  board: string;
}

/** One ESPHome entity as its MQTT component announces it. */
export interface EsphomeEntity {
  component: string;
  name: string;
  /** The component's own discovery keys (send_discovery), which come first in the payload. */
  keys: Record<string, unknown>;
  hasStateTopic: boolean;
  hasCommandTopic: boolean;
  entityCategory?: "diagnostic" | "config";
  /** A custom state topic (the status binary_sensor reads the node's availability topic). */
  stateTopic?: string;
}

/** The components of one node: their entities, command handlers, state publishing and physics. */
export interface EsphomeApp {
  readonly entities: readonly EsphomeEntity[];
  /** Command topic → handler; a handler returns true when it obeyed the payload. */
  readonly commands: ReadonlyMap<string, (payload: string, out: Outbox) => boolean>;
  /** send_initial_state() of every component, after discovery on each connect. */
  publishState(out: Outbox): void;
  readonly reporters: readonly Reporter[];
  advance(dtMs: number, out: Outbox): void;
}

/** The node for `home`: names get a "-<home>" suffix beyond the first home, the MAC derives from the name. */
export function esphomeIdentity(ctx: DeviceContext, baseName: string, friendlyName: string): EsphomeIdentity {
  const nodeName = ctx.home === 1 ? baseName : `${baseName}-${ctx.home}`;
  return {
    prefix: ctx.prefix,
    nodeName,
    friendlyName: ctx.home === 1 ? friendlyName : `${friendlyName} ${ctx.home}`,
    mac: `a4cf12${stableHex(`esphome/${nodeName}`, 6)}`,
    board: "esp32dev",
  };
}

/** str_sanitize(str_snake_case(name)). */
export const objectIdOf = (name: string): string => name.toLowerCase().replace(/ /g, "_").replace(/[^a-z0-9_-]/g, "_");

/** `<node>/<component>/<object_id>/<suffix>`, ESPHome's default topic layout. */
export const componentTopic = (id: EsphomeIdentity, component: string, name: string, suffix: string): string =>
  `${id.nodeName}/${component}/${objectIdOf(name)}/${suffix}`;

/** ESPHome's fnv1_hash (multiply, then xor), used by the MAC unique-id generator. */
export function fnv1Hash(text: string): number {
  let hash = 2166136261;
  for (const byte of Buffer.from(text, "utf8")) hash = (Math.imul(hash, 16777619) ^ byte) >>> 0;
  return hash;
}

/**
 * One retained discovery config as ESPHome 2024.10 builds it: abbreviated keys, ArduinoJson insertion order
 * (component keys, name, ent_cat, stat_t, cmd_t, avty_t, uniq_id, dev). The unique id uses
 * `unique_id_generator: mac`: the legacy default ("ESP<component><object_id>") collides across nodes.
 */
export function esphomeConfig(id: EsphomeIdentity, entity: EsphomeEntity): OutMessage {
  const payload: Record<string, unknown> = { ...entity.keys, name: entity.name };
  if (entity.entityCategory) payload.ent_cat = entity.entityCategory;
  if (entity.hasStateTopic) payload.stat_t = entity.stateTopic ?? componentTopic(id, entity.component, entity.name, "state");
  if (entity.hasCommandTopic) payload.cmd_t = componentTopic(id, entity.component, entity.name, "command");
  payload.avty_t = `${id.nodeName}/status`;
  payload.uniq_id = `${id.mac}-${entity.component}-${fnv1Hash(entity.name).toString(16).padStart(8, "0")}`;
  payload.dev = { ids: id.mac, name: id.friendlyName, sw: ESPHOME_SW, mdl: id.board, mf: "Espressif", cns: [["mac", id.mac]] };
  return {
    topic: `${id.prefix}/${entity.component}/${id.nodeName}/${objectIdOf(entity.name)}/config`,
    payload: JSON.stringify(payload),
  };
}

/**
 * An ESPHome node's MQTT client: birth/LWT `online`/`offline` on `<node>/status` (retained), discovery and
 * initial states on every connect, retained states. It does not listen to the hub's birth message.
 */
export class EsphomeNode implements SimulatedDevice {
  readonly kind: DeviceKind;
  readonly home: number;
  readonly clientId: string;
  readonly description: string;
  readonly keepaliveS = 15;
  readonly will: SimulatedDevice["will"];
  readonly subscriptions: readonly string[];
  readonly reporters: readonly Reporter[];
  readonly #app: EsphomeApp;
  readonly #configs: OutMessage[];
  readonly #statusTopic: string;

  constructor(kind: DeviceKind, home: number, id: EsphomeIdentity, app: EsphomeApp) {
    this.kind = kind;
    this.home = home;
    this.#app = app;
    this.clientId = `${id.nodeName}-${id.mac}`;
    this.#statusTopic = `${id.nodeName}/status`;
    this.#configs = app.entities.map((entity) => esphomeConfig(id, entity));
    this.will = { topic: this.#statusTopic, payload: "offline", retain: true, qos: 0 };
    this.subscriptions = [...app.commands.keys()];
    this.reporters = app.reporters;
    const names = app.entities.map((e) => `${e.component} ${e.name}`).join(", ");
    this.description = `esphome node "${id.nodeName}" as ${this.clientId}: ${names}`;
  }

  announce(out: Outbox): void {
    out.publish(this.#statusTopic, "online", true);
    for (const config of this.#configs) out.publish(config.topic, config.payload, true);
    this.#app.publishState(out);
  }

  receive(topic: string, payload: string, out: Outbox): boolean {
    return this.#app.commands.get(topic)?.(payload, out) ?? false;
  }

  advance(dtMs: number, out: Outbox): void {
    this.#app.advance(dtMs, out);
  }

  /** ESPHome's shutdown message: `offline` on the status topic before it disconnects. */
  farewell(): readonly OutMessage[] {
    return [{ topic: this.#statusTopic, payload: "offline" }];
  }

  dispose(): void {}
}
