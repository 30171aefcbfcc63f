import type { HubApi } from "./hub-api";

// Symbol.for: the custom server and Next's separately compiled route bundles share globalThis, not modules (STYLE §4 P1).
const HUB_SLOT = Symbol.for("hearth.api.v1");
type Slot = { [HUB_SLOT]?: HubApi | undefined };

export const publishHub = (api: HubApi | undefined): void => {
  (globalThis as Slot)[HUB_SLOT] = api;
};

export const readHub = (): HubApi | undefined => (globalThis as Slot)[HUB_SLOT];
