import type { AclRule } from "../mqtt-acl/acl-rules";
import { DEFAULT_Z2M_BASE_TOPIC, type PairingKind, topicSlug } from "./firmware-snippets";

export interface PairingAclInput {
  kind: PairingKind;
  /** Hearth's discovery prefix (HEARTH_DISCOVERY_PREFIX). */
  discoveryPrefix: string;
  username: string;
  /** The same deviceTopic the snippet got (Tasmota's Topic, Shelly's topic prefix). */
  deviceTopic?: string | undefined;
  baseTopic?: string | undefined;
}

/**
 * The ACL a device paired with the "Add device" wizard starts with: the topics its firmware really uses, as the
 * snippet configures it. Whatever the rules say, no client may write the hub's `<prefix>/status` (the broker
 * refuses it), so readwrite on the discovery prefix lets a device announce itself and hear the birth message.
 * - Zigbee2MQTT: everything under its `base_topic` (bridge/*, device state, /set commands), and discovery.
 * - Tasmota: `tele/`, `stat/` and `cmnd/` under its Topic (its default FullTopic `%prefix%/%topic%/`), the group
 *   topic `cmnd/tasmotas/#` and the fallback topic `cmnd/<client id>_fb/#` to read; discovery under
 *   `homeassistant/` (SetOption19 1 always uses that prefix) and Hearth's prefix when it differs.
 * - Shelly Gen2+: everything under the topic prefix the snippet sets (`<prefix>/rpc`, `/events/rpc`, `/status/...`,
 *   `/online`, `/command`), and discovery for scripts that announce.
 * - ESPHome and generic: the snippet cannot know the node name or the device's own topics, so `readwrite #`:
 *   written out so the MQTT settings page shows it and an admin can narrow it.
 */
export function pairingAcl(input: PairingAclInput): AclRule[] {
  const discovery: AclRule = { access: "readwrite", pattern: `${input.discoveryPrefix}/#` };
  switch (input.kind) {
    case "zigbee2mqtt":
      return [{ access: "readwrite", pattern: `${input.baseTopic?.trim() || DEFAULT_Z2M_BASE_TOPIC}/#` }, discovery];
    case "tasmota": {
      const topic = topicSlug(input.deviceTopic ?? input.username, "tasmota");
      const rules: AclRule[] = [
        { access: "readwrite", pattern: `tele/${topic}/#` },
        { access: "readwrite", pattern: `stat/${topic}/#` },
        { access: "readwrite", pattern: `cmnd/${topic}/#` },
        { access: "read", pattern: "cmnd/tasmotas/#" },
        { access: "read", pattern: "cmnd/%c_fb/#" },
        { access: "readwrite", pattern: "homeassistant/#" },
      ];
      if (input.discoveryPrefix !== "homeassistant") rules.push(discovery);
      return rules;
    }
    case "shelly":
      return [{ access: "readwrite", pattern: `${topicSlug(input.deviceTopic ?? input.username, "shelly")}/#` }, discovery];
    case "esphome":
    case "generic":
      return [{ access: "readwrite", pattern: "#" }];
  }
}
