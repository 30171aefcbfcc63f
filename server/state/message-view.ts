import type { MqttMessageView } from "@/devices/components/platform";
import type { MqttMessage } from "../mqtt/mqtt-bus";

/** The message as platforms see it: text decoded once, JSON parsed once and only if asked. */
export class MessageView implements MqttMessageView {
  readonly topic: string;
  readonly text: string;
  readonly bytes: Uint8Array;
  readonly retain: boolean;
  #json: unknown;
  #parsed = false;

  constructor(message: MqttMessage) {
    this.topic = message.topic;
    this.bytes = message.payload;
    this.retain = message.retain;
    this.text = message.payload.toString("utf8");
  }

  get json(): unknown {
    if (!this.#parsed) {
      this.#parsed = true;
      const first = this.text.charCodeAt(0);
      // Only things that can be JSON: skip the exception for "ON", "online", "21.5abc"...
      if (first === 123 || first === 91 || first === 34 || first === 45 || (first >= 48 && first <= 57) || first === 116 || first === 102 || first === 110) {
        try {
          this.#json = JSON.parse(this.text);
        } catch {
          this.#json = undefined;
        }
      }
    }
    return this.#json;
  }
}
