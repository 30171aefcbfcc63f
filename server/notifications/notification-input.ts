import { z } from "zod";
import { HubError, formatIssues } from "../errors";
import type { NotificationInput } from "./notification-views";

export const MAX_MESSAGE_CHARS = 4000;
export const MAX_TITLE_CHARS = 200;
export const MAX_ID_CHARS = 128;
export const MAX_DATA_BYTES = 4096;
const MAX_URL_CHARS = 2048;

// HA's cv.string: numbers and booleans (a template that rendered to 42) become text; null and objects do not.
const text = z.union([z.string(), z.number(), z.boolean()], { error: "must be text" }).transform(String);

/** HA's persistent_notification.create and notify.* service data (validated where a call comes in). */
const serviceDataSchema = z.looseObject({
  message: text.optional(),
  title: z.union([text, z.null()], { error: "must be text" }).optional(),
  notification_id: z.union([text, z.null()], { error: "must be text" }).optional(),
  data: z.union([z.record(z.string(), z.unknown()), z.null()], { error: "must be an object" }).optional(),
});

const dataFieldsSchema = z.looseObject({
  url: z
    .string({ error: "must be text" })
    .max(MAX_URL_CHARS, `must be at most ${MAX_URL_CHARS} characters`)
    .refine((u) => /^\/(?!\/)/.test(u) || /^https?:\/\//i.test(u), "must be a path on this hub (/rooms/hall) or an http(s) URL")
    .optional(),
  tag: z.string({ error: "must be text" }).max(MAX_ID_CHARS, `must be at most ${MAX_ID_CHARS} characters`).optional(),
});

/**
 * Reads notification fields from service data or a request body: a missing or non-text `message` is
 * invalid_input (400); text beyond the limits is unprocessable (422) with the limit in the message.
 * `what` names the caller in errors ("notify.notify").
 */
export function parseNotificationInput(raw: Record<string, unknown>, what: string): NotificationInput {
  const parsed = serviceDataSchema.safeParse(raw);
  if (!parsed.success) throw new HubError("invalid_input", `${what}: ${formatIssues(parsed.error.issues)}`);
  const { message, title, notification_id: id, data } = parsed.data;
  if (message === undefined || message.trim() === "") throw new HubError("invalid_input", `${what}: message is required (the text to show)`);
  if (data) {
    const fields = dataFieldsSchema.safeParse(data);
    if (!fields.success) throw new HubError("invalid_input", `${what}: ${formatIssues(fields.error.issues, (k) => `data.${k}`)}`);
  }
  const tooLong = (field: string, value: string | null | undefined, max: number) => {
    if (value && value.length > max) throw new HubError("unprocessable", `${what}: ${field} is ${value.length} characters long; at most ${max} are kept`);
  };
  tooLong("message", message, MAX_MESSAGE_CHARS);
  tooLong("title", title, MAX_TITLE_CHARS);
  tooLong("notification_id", id, MAX_ID_CHARS);
  if (data && Buffer.byteLength(JSON.stringify(data)) > MAX_DATA_BYTES) {
    throw new HubError("unprocessable", `${what}: data is larger than ${MAX_DATA_BYTES} bytes as JSON`);
  }
  return {
    message,
    title: title === null || title === undefined || title === "" ? null : title,
    ...(id ? { notification_id: id } : {}),
    data: data && Object.keys(data).length > 0 ? data : null,
  };
}
