import { z } from "zod";
import { haBoolean, haPublishTopic, haString, haSubscribeTopic, haTemplate } from "../discovery/ha-values";
import { checkServiceKeys, renderValue, requiredKey } from "./mqtt-payload";
import type { DecodeResult, EntityValue, MqttMessageView, PlatformContext, PlatformDefinition, ServiceData, ServiceResult } from "./platform";

/** HA's update (homeassistant/components/mqtt/update.py, UpdateEntity in components/update). */

const positiveInt = z.number().int().nonnegative();

const updateSchema = z.looseObject({
  state_topic: requiredKey("state_topic", haSubscribeTopic),
  value_template: haTemplate.optional(),
  command_topic: haPublishTopic.optional(),
  device_class: z.union([z.literal("firmware"), z.null()]).optional(),
  display_precision: positiveInt.default(0),
  latest_version_template: haTemplate.optional(),
  latest_version_topic: haSubscribeTopic.optional(),
  payload_install: haString.optional(),
  release_summary: haString.optional(),
  release_url: haString.optional(),
  retain: haBoolean.default(false),
  title: haString.optional(),
});

export type UpdateConfig = z.output<typeof updateSchema>;

/** UpdateEntityFeature: INSTALL with a command topic; PROGRESS always (in_progress/update_percentage). */
const INSTALL = 1;
const PROGRESS = 4;

const features = (c: UpdateConfig) => PROGRESS | (c.command_topic !== undefined ? INSTALL : 0);

/** cv.url: an http(s) URL with a host. */
const url = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return (u.protocol === "http:" || u.protocol === "https:") && u.host !== "";
  } catch {
    return false;
  }
}, "invalid url");

/** MQTT_JSON_UPDATE_SCHEMA: a plain vol.Schema, so any other key (or a null version) drops the message. */
const jsonUpdateSchema = z.strictObject({
  installed_version: haString.optional(),
  latest_version: haString.optional(),
  title: haString.optional(),
  release_summary: haString.optional(),
  release_url: url.optional(),
  entity_picture: url.optional(),
  in_progress: haBoolean.optional(),
  update_percentage: z.union([z.number().min(0).max(100), z.null()]).optional(),
});

interface UpdateState {
  installed_version: string | null;
  latest_version: string | null;
  title: string | null;
  release_summary: string | null;
  release_url: string | null;
  entity_picture: string | null;
  in_progress: boolean;
  update_percentage: number | null;
  skipped_version: string | null;
}

const str = (v: unknown) => (typeof v === "string" ? v : null);

function readState(c: UpdateConfig, current: EntityValue): UpdateState {
  const a = current.attributes;
  return {
    installed_version: str(a.installed_version),
    latest_version: str(a.latest_version),
    title: str(a.title) ?? c.title ?? null,
    release_summary: str(a.release_summary) ?? c.release_summary ?? null,
    release_url: str(a.release_url) ?? c.release_url ?? null,
    entity_picture: str(a.entity_picture),
    in_progress: a.in_progress === true,
    update_percentage: typeof a.update_percentage === "number" ? a.update_percentage : null,
    skipped_version: str(a.skipped_version),
  };
}

/** A version as [numbers, pre-release rank, pre-release number]; undefined when it is not one. */
function parseVersion(text: string): { parts: number[]; pre: [number, number] } | undefined {
  const m = /^v?(\d+(?:\.\d+)*)(?:[-.]?(dev|a|alpha|b|beta|rc|c)\.?(\d*))?(?:\+[\w.]+)?$/i.exec(text.trim());
  if (!m?.[1]) return undefined;
  const rank: Record<string, number> = { dev: 0, a: 1, alpha: 1, b: 2, beta: 2, rc: 3, c: 3 };
  const kind = m[2]?.toLowerCase();
  return { parts: m[1].split(".").map(Number), pre: kind === undefined ? [4, 0] : [rank[kind] ?? 0, Number(m[3] || 0)] };
}

/** AwesomeVersion(latest) > installed for the usual shapes (1.2.3, 20240101, 2.0.0b3, v1.2-rc.1); undefined if not comparable. */
export function isNewerVersion(latest: string, installed: string): boolean | undefined {
  const a = parseVersion(latest);
  const b = parseVersion(installed);
  if (!a || !b) return undefined;
  const length = Math.max(a.parts.length, b.parts.length);
  for (let i = 0; i < length; i++) {
    const diff = (a.parts[i] ?? 0) - (b.parts[i] ?? 0);
    if (diff !== 0) return diff > 0;
  }
  return a.pre[0] !== b.pre[0] ? a.pre[0] > b.pre[0] : a.pre[1] > b.pre[1];
}

/** UpdateEntity.state and state_attributes. */
function toValue(c: UpdateConfig, s: UpdateState): EntityValue {
  let skipped = s.skipped_version;
  // A skipped version is forgotten once it is installed or no longer the latest.
  if ((s.installed_version !== null && skipped === s.installed_version) || (s.latest_version !== null && skipped !== s.latest_version)) skipped = null;
  let state: string | null = null;
  if (s.installed_version !== null && s.latest_version !== null) {
    if (s.latest_version === skipped || s.latest_version === s.installed_version) state = "off";
    else state = isNewerVersion(s.latest_version, s.installed_version) === false ? "off" : "on";
  }
  return {
    state,
    attributes: {
      auto_update: false,
      display_precision: c.display_precision,
      installed_version: s.installed_version,
      in_progress: s.in_progress,
      latest_version: s.latest_version,
      release_summary: s.release_summary === null ? null : s.release_summary.slice(0, 255),
      release_url: s.release_url,
      skipped_version: skipped,
      title: s.title,
      update_percentage: s.in_progress ? s.update_percentage : null,
      ...(s.entity_picture === null ? {} : { entity_picture: s.entity_picture }),
    },
  };
}

function decodeState(payload: string, s: UpdateState): UpdateState | DecodeResult {
  if (payload === "" || payload === "{}") return { kind: "ignore", reason: "empty payload" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return { ...s, installed_version: payload };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { ...s, installed_version: payload };
  const checked = jsonUpdateSchema.safeParse(parsed);
  if (!checked.success) return { kind: "reject", reason: `schema violation in update payload: ${checked.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}` };
  const j = checked.data;
  const next = { ...s };
  if (j.installed_version !== undefined) next.installed_version = j.installed_version;
  if (j.latest_version !== undefined) next.latest_version = j.latest_version;
  if (j.title !== undefined) next.title = j.title;
  if (j.release_summary !== undefined) next.release_summary = j.release_summary;
  if (j.release_url !== undefined) next.release_url = j.release_url;
  if (j.entity_picture !== undefined) next.entity_picture = j.entity_picture;
  if (j.update_percentage !== undefined) {
    next.update_percentage = j.update_percentage;
    next.in_progress = j.update_percentage !== null;
  }
  if (j.in_progress !== undefined) next.in_progress = j.in_progress;
  return next;
}

function decode(c: UpdateConfig, role: string, message: MqttMessageView, current: EntityValue, ctx: PlatformContext): DecodeResult {
  const s = readState(c, current);
  if (role === "latest_version_topic") {
    const rendered = renderValue(ctx, "latest_version_template", message);
    if (!rendered.ok) return rendered.result;
    if (rendered.value === "") return { kind: "ignore", reason: "empty latest version" };
    return { kind: "update", value: toValue(c, { ...s, latest_version: rendered.value }) };
  }
  const rendered = renderValue(ctx, "value_template", message);
  if (!rendered.ok) return rendered.result;
  const next = decodeState(rendered.value, s);
  return "kind" in next ? next : { kind: "update", value: toValue(c, next) };
}

function install(c: UpdateConfig, current: EntityValue, data: ServiceData): ServiceResult {
  const bad = checkServiceKeys(data, ["version", "backup"]);
  if (bad !== undefined) return { ok: false, error: bad };
  if (c.command_topic === undefined) return { ok: false, error: "this update entity does not support install" };
  const s = readState(c, current);
  if (data.version !== undefined && data.version !== null) return { ok: false, error: "Installing a specific version is not supported" };
  if (s.latest_version === null || s.installed_version === s.latest_version) return { ok: false, error: "No update available" };
  if (s.in_progress) return { ok: false, error: "Update installation already in progress" };
  if (c.payload_install === undefined) return { ok: false, error: "this update entity has no payload_install" };
  return { ok: true, publishes: [{ topic: c.command_topic, payload: c.payload_install }] };
}

/** skip/clear_skipped change only the hub's view (HA keeps the skipped version in the entity). */
function skip(clear: boolean) {
  return (c: UpdateConfig, current: EntityValue, data: ServiceData): ServiceResult => {
    const bad = checkServiceKeys(data, []);
    if (bad !== undefined) return { ok: false, error: bad };
    const s = readState(c, current);
    if (!clear && s.installed_version === null) return { ok: false, error: "Cannot skip an unknown version" };
    if (!clear && s.installed_version === s.latest_version) return { ok: false, error: "No update available to skip" };
    return { ok: true, publishes: [], optimistic: toValue(c, { ...s, skipped_version: clear ? null : s.latest_version }) };
  };
}

export const updatePlatform: PlatformDefinition<UpdateConfig> = {
  component: "update",
  isEntity: true,
  schema: updateSchema,
  stateTopics: (c) => [
    { role: "state_topic", topic: c.state_topic },
    ...(c.latest_version_topic === undefined ? [] : [{ role: "latest_version_topic", topic: c.latest_version_topic }]),
  ],
  initialValue: (c) => toValue(c, readState(c, { state: null, attributes: {} })),
  staticAttributes: (c) => ({ supported_features: features(c) }),
  decode,
  services: {
    install: (c, current, data) => install(c, current, data),
    skip: skip(false),
    clear_skipped: skip(true),
  },
  /** Only skip/clear_skipped return a value to apply; they change the hub's own view, not the device. */
  isOptimistic: () => true,
};
