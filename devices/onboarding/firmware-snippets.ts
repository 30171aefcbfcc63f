/**
 * Ready-to-paste MQTT settings for the firmware people pair with Hearth. Pure text generation: the
 * "Add device" wizard (server/pairing) fills in the broker address and the credentials it just made.
 */

export const PAIRING_KINDS = ["zigbee2mqtt", "tasmota", "esphome", "shelly", "generic"] as const;
export type PairingKind = (typeof PAIRING_KINDS)[number];

export const PAIRING_KIND_LABELS: Readonly<Record<PairingKind, string>> = {
  zigbee2mqtt: "Zigbee2MQTT bridge",
  tasmota: "Tasmota",
  esphome: "ESPHome",
  shelly: "Shelly (Gen2 and later)",
  generic: "Generic MQTT",
};

export function isPairingKind(value: unknown): value is PairingKind {
  return typeof value === "string" && (PAIRING_KINDS as readonly string[]).includes(value);
}

export interface SnippetInput {
  kind: PairingKind;
  /** Host name or IP address the device should connect to (IPv6 without brackets). */
  host: string;
  port: number;
  username: string;
  password: string;
  /** Hearth's discovery prefix (HEARTH_DISCOVERY_PREFIX). */
  discoveryPrefix: string;
  /** Tasmota's `Topic`, Shelly's topic prefix, ESPHome's node name; derived from the username when absent. */
  deviceTopic?: string | undefined;
  /** Zigbee2MQTT's `mqtt.base_topic`; "zigbee2mqtt" when absent. */
  baseTopic?: string | undefined;
}

export interface FirmwareSnippet {
  kind: PairingKind;
  /** Where the text goes, said to a person: "Tasmota console", "configuration.yaml", ... */
  target: string;
  language: "yaml" | "console" | "json" | "text";
  text: string;
  /** Short notes shown under the snippet: what the text does and what is not supported. */
  notes: string[];
}

export const DEFAULT_Z2M_BASE_TOPIC = "zigbee2mqtt";

/**
 * A YAML double-quoted scalar. A JSON string literal is one (YAML 1.2's double-quoted escapes are a
 * superset of JSON's), so quotes, backslashes, `#`, `: ` and leading `*`/`&`/`!` cannot change meaning.
 */
export function yamlString(value: string): string {
  return JSON.stringify(value);
}

/** A lower-case topic segment of letters, digits, `_` and `-` (never empty, never a wildcard). */
export function topicSlug(value: string, fallback = "device"): string {
  const slug = value
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "_")
    .replace(/^[_-]+|[_-]+$/g, "")
    .slice(0, 32);
  return slug || fallback;
}

/** `host:port`, with brackets around an IPv6 address as URLs and Shelly's `server` field need. */
export function hostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

function mqttUrl(host: string, port: number): string {
  return `mqtt://${hostPort(host, port)}`;
}

/** Tasmota's Backlog splits on `;`: a value holding one must go in a command of its own. */
function tasmotaCommands(commands: Array<[string, string]>): string {
  const safe = commands.filter(([, v]) => !v.includes(";"));
  const unsafe = commands.filter(([, v]) => v.includes(";"));
  const lines = [`Backlog ${safe.map(([c, v]) => `${c} ${v}`).join("; ")}`];
  for (const [c, v] of unsafe) lines.push(`${c} ${v}`);
  return lines.join("\n");
}

function tasmota(input: SnippetInput): FirmwareSnippet {
  const topic = topicSlug(input.deviceTopic ?? input.username, "tasmota");
  // SetOption19 picks Tasmota's discovery flavour. 0 (the default since 9.2) is Tasmota's own format on
  // `tasmota/discovery/...`, which only Home Assistant's "tasmota" integration reads. 1 makes Tasmota publish
  // Home Assistant MQTT discovery configs under `homeassistant/...`, which is what Hearth understands
  // (tasmota.github.io "Home Assistant" page; home-assistant.io/integrations/tasmota requires SetOption19 0).
  // Those legacy configs are always under the `homeassistant` prefix: Tasmota has no setting for it.
  const text = tasmotaCommands([
    ["MqttHost", input.host],
    ["MqttPort", String(input.port)],
    ["MqttUser", input.username],
    ["MqttPassword", input.password],
    ["Topic", topic],
    ["SetOption19", "1"],
  ]);
  const notes = [
    "Paste into the Tasmota web console (Tools → Console). The device restarts and connects.",
    "SetOption19 1 turns on Home Assistant MQTT discovery, which Hearth reads. tasmota-lite builds don’t include it; use a full build.",
  ];
  if (input.discoveryPrefix !== "homeassistant") {
    notes.push(`Tasmota always announces under “homeassistant/”, but Hearth listens on “${input.discoveryPrefix}/”: this device won’t be found until they match.`);
  }
  return { kind: "tasmota", target: "Tasmota console", language: "console", text, notes };
}

function esphome(input: SnippetInput): FirmwareSnippet {
  const lines = [
    "mqtt:",
    `  broker: ${yamlString(input.host)}`,
    `  port: ${input.port}`,
    `  username: ${yamlString(input.username)}`,
    `  password: ${yamlString(input.password)}`,
    "  discovery: true",
    `  discovery_prefix: ${yamlString(input.discoveryPrefix)}`,
  ];
  return {
    kind: "esphome",
    target: "the device’s ESPHome YAML",
    language: "yaml",
    text: lines.join("\n"),
    notes: [
      "Add this block to your device’s YAML, then install (OTA or USB). ESPHome announces every component with Home Assistant discovery.",
      "Keep or remove the api: block as you like; Hearth only needs mqtt:.",
    ],
  };
}

function zigbee2mqtt(input: SnippetInput): FirmwareSnippet {
  const base = input.baseTopic?.trim() || DEFAULT_Z2M_BASE_TOPIC;
  const lines = [
    "homeassistant:",
    "  enabled: true",
    `  discovery_topic: ${yamlString(input.discoveryPrefix)}`,
    "mqtt:",
    `  base_topic: ${yamlString(base)}`,
    `  server: ${yamlString(mqttUrl(input.host, input.port))}`,
    `  user: ${yamlString(input.username)}`,
    `  password: ${yamlString(input.password)}`,
  ];
  return {
    kind: "zigbee2mqtt",
    target: "Zigbee2MQTT’s configuration.yaml",
    language: "yaml",
    text: lines.join("\n"),
    notes: [
      "Merge these keys into data/configuration.yaml (or set them in Settings → MQTT and Settings → Home Assistant), then restart Zigbee2MQTT.",
      "This is Zigbee2MQTT 2.x syntax. On 1.x write “homeassistant: true” instead of the enabled: key.",
    ],
  };
}

function shelly(input: SnippetInput): FirmwareSnippet {
  const topic = topicSlug(input.deviceTopic ?? input.username, "shelly");
  // Shelly Gen2+ RPC: MQTT.SetConfig (shelly-api-docs.shelly.cloud/gen2/ComponentsAndServices/Mqtt).
  const config = {
    enable: true,
    server: hostPort(input.host, input.port),
    user: input.username,
    pass: input.password,
    topic_prefix: topic,
    rpc_ntf: true,
    status_ntf: true,
  };
  return {
    kind: "shelly",
    target: "the Shelly’s MQTT settings",
    language: "json",
    text: JSON.stringify({ id: 1, method: "MQTT.SetConfig", params: { config } }, null, 2),
    notes: [
      `In the Shelly web UI: Settings → MQTT → enable; server ${hostPort(input.host, input.port)}; the username and password above; client ID and topic prefix “${topic}”; turn on “RPC status notifications over MQTT” and “Generic status update over MQTT”; save and reboot. Or send this RPC from the device’s web page or http://<shelly>/rpc.`,
      "Shelly firmware does not announce itself with Home Assistant discovery. Hearth sees it connect, but finds its switches only once a discovery script runs on the Shelly (Settings → Scripts) or its entities are announced by another tool.",
    ],
  };
}

function generic(input: SnippetInput): FirmwareSnippet {
  const lines = [
    `Broker: ${mqttUrl(input.host, input.port)}`,
    `Host: ${input.host}`,
    `Port: ${input.port}`,
    `Username: ${input.username}`,
    `Password: ${input.password}`,
    `Discovery prefix: ${input.discoveryPrefix}`,
    `Birth topic: ${input.discoveryPrefix}/status (payload "online")`,
  ];
  return {
    kind: "generic",
    target: "your device’s MQTT settings",
    language: "text",
    text: lines.join("\n"),
    notes: [
      `Hearth finds devices that publish Home Assistant discovery configs, retained, to ${input.discoveryPrefix}/<component>/<object_id>/config (or ${input.discoveryPrefix}/device/<id>/config).`,
    ],
  };
}

/** The settings text for one firmware, with the broker address and credentials filled in. */
export function firmwareSnippet(input: SnippetInput): FirmwareSnippet {
  switch (input.kind) {
    case "tasmota":
      return tasmota(input);
    case "esphome":
      return esphome(input);
    case "zigbee2mqtt":
      return zigbee2mqtt(input);
    case "shelly":
      return shelly(input);
    case "generic":
      return generic(input);
  }
}

/**
 * What the wizard's QR code carries: the credentials as text a phone can copy (no firmware reads a QR
 * code, so the code is a way to move the settings to the phone that configures the device).
 */
export function credentialsQrText(input: Pick<SnippetInput, "host" | "port" | "username" | "password">): string {
  return [`MQTT ${mqttUrl(input.host, input.port)}`, `user ${input.username}`, `password ${input.password}`].join("\n");
}
