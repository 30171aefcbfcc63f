// GET/POST/DELETE /api/push/subscriptions — phones that get push; subscribe this phone (201); remove one by endpoint or id
import { canManage } from "@/devices/auth/access";
import { NextResponse } from "next/server";
import { z } from "zod";
import { authedRoute, readJson } from "../../../_lib/route";

// The browser's PushSubscription.toJSON() plus a name; expirationTime is accepted and ignored.
const subscribeSchema = z.strictObject({
  endpoint: z.url({ protocol: /^https$/, error: "endpoint must be the push service's https URL" }).max(2048),
  expirationTime: z.union([z.number(), z.null()]).optional(),
  keys: z.strictObject({ p256dh: z.string().min(1).max(200), auth: z.string().min(1).max(100) }),
  name: z.string({ error: "name is required (what you call this phone)" }).max(200),
});

const unsubscribeSchema = z.union([z.strictObject({ endpoint: z.string().min(1).max(2048) }), z.strictObject({ id: z.string().min(1).max(64) })], {
  error: "send the subscription's endpoint or the phone's id",
});

export const GET = authedRoute(({ api }) => api.push.list());

export const POST = authedRoute(async ({ api, req, principal }) => {
  const { endpoint, keys, name } = await readJson(req, subscribeSchema);
  return NextResponse.json(api.push.subscribe({ endpoint, keys, name }, String(principal.user.id)), { status: 201, headers: { "Cache-Control": "no-store" } });
});

export const DELETE = authedRoute(async ({ api, req, principal }) => {
  const target = await readJson(req, unsubscribeSchema);
  api.push.unsubscribe(target, { userId: String(principal.user.id), isAdmin: canManage(principal.user) });
  return undefined;
});
