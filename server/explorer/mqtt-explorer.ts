import { HubError } from "../errors";
import type { MqttClearInput, MqttLiveMessageView, MqttPublishInput, MqttTopicMessageView, MqttTopicNodeView } from "../hub-api";
import type { ExplorerSource } from "../mqtt/explorer-source";
import type { TapEvent } from "../mqtt/live-taps";
import type { MqttBus } from "../mqtt/mqtt-bus";
import { payloadText } from "./payload-text";
import { checkTopicFilter, checkTopicName, parseTopicPrefix } from "./topic-rules";

export interface MqttExplorerDeps {
  source: ExplorerSource;
  /** Publishes as the hub. */
  mqtt: Pick<MqttBus, "publish">;
}

/** Receives a live log as DTOs. Must not throw. */
export interface LiveLogSink {
  message(view: MqttLiveMessageView): void;
  skipped(count: number): void;
}

export const MAX_PUBLISH_BYTES = 64 * 1024;

/** The MQTT explorer's façade: validates input, asks the source, and turns its answers into DTOs. */
export class MqttExplorer {
  readonly #deps: MqttExplorerDeps;

  constructor(deps: MqttExplorerDeps) {
    this.#deps = deps;
  }

  async topics(prefix: string): Promise<MqttTopicNodeView[]> {
    const nodes = await this.#deps.source.topics(parseTopicPrefix(prefix));
    return nodes.map((n) => ({
      name: n.name,
      topic: n.topic,
      has_message: n.hasMessage,
      retained: n.stored,
      children: n.children,
      retained_below: n.storedBelow,
      messages: n.messages,
      last_at: n.lastAt,
      ...nodePreview(n.preview, n.size),
      client_id: n.clientId,
    }));
  }

  async message(topic: string): Promise<MqttTopicMessageView> {
    const m = topic.length > 0 ? await this.#deps.source.message(topic) : undefined;
    if (!m) throw new HubError("not_found", `no message seen on ${JSON.stringify(topic)}`);
    const truncated = m.payload.byteLength < m.size;
    return {
      topic: m.topic,
      ...payloadText(m.payload, truncated),
      size: m.size,
      truncated,
      retained: m.retain,
      retained_stored: m.stored,
      qos: m.qos,
      at: m.at,
      client_id: m.clientId,
      username: m.username,
      messages: m.count,
    };
  }

  async publish(input: MqttPublishInput): Promise<void> {
    checkTopicName(input.topic);
    if (input.payload !== undefined && input.payload_base64 !== undefined) {
      throw new HubError("invalid_input", "give payload or payload_base64, not both");
    }
    const payload = input.payload_base64 !== undefined ? Buffer.from(input.payload_base64, "base64") : Buffer.from(input.payload ?? "");
    if (payload.length > MAX_PUBLISH_BYTES) throw new HubError("unprocessable", `payload is larger than ${MAX_PUBLISH_BYTES} bytes`);
    await this.#deps.mqtt.publish(input.topic, payload, { qos: input.qos ?? 0, retain: input.retain ?? false });
  }

  async clear(input: MqttClearInput): Promise<{ cleared: number }> {
    if ("topic" in input) {
      checkTopicName(input.topic);
      return { cleared: await this.#deps.source.clearRetained({ topic: input.topic }) };
    }
    const everything = input.prefix === "" || input.prefix === "#";
    if (everything && input.confirm !== true) {
      throw new HubError("unprocessable", "clearing every retained topic needs {prefix, confirm: true}");
    }
    const level = everything ? null : parseTopicPrefix(input.prefix);
    return { cleared: await this.#deps.source.clearRetained({ level }) };
  }

  /** Opens a rate-limited live log of the messages matching `filter`; resolves to its closer. */
  async watch(filter: string, sink: LiveLogSink): Promise<() => Promise<void>> {
    checkTopicFilter(filter);
    return this.#deps.source.tap(filter, {
      event: (e) => sink.message(liveView(e)),
      skipped: (count) => sink.skipped(count),
    });
  }
}

function liveView(e: TapEvent): MqttLiveMessageView {
  const truncated = e.payload.byteLength < e.size;
  return {
    topic: e.topic,
    ...payloadText(e.payload, truncated),
    size: e.size,
    truncated,
    retained: e.retain,
    qos: e.qos,
    at: e.at,
    client_id: e.clientId,
    username: e.username,
  };
}

/** A tree row's one-line preview: text (null when binary) and the full size; both null without a message. */
function nodePreview(bytes: Uint8Array | null, size: number): { preview: string | null; payload_size: number | null } {
  if (bytes === null) return { preview: null, payload_size: null };
  const { payload } = payloadText(bytes, bytes.byteLength < size);
  return { preview: payload === null ? null : payload.replace(/\s+/g, " ").trim(), payload_size: size };
}
