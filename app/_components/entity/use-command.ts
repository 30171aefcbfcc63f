"use client";
import { useEffect, useState } from "react";
import type { LiveState } from "../../_lib/live-store";
import { useCallService } from "../../_lib/use-live-states";

/** How long a device has to confirm a command before the card says it did not. */
export const CONFIRM_MS = 5000;

interface Pending {
  /** last_updated when the command left; any newer state is the device's answer. */
  baseline: string | undefined;
  /** What the control shows meanwhile (the requested value). */
  target: Record<string, unknown>;
  sentAt: number;
}

export interface Command {
  /** Waiting for the device to report the new state. */
  pending: boolean;
  /** The requested value while pending (e.g. `{ state: "on" }`, `{ brightness: 128 }`). */
  target: Record<string, unknown>;
  error: string | undefined;
  /** Sends `domain.service` for this entity; resolves when the hub accepted it (not when the device confirmed). */
  run(domain: string, service: string, data?: Record<string, unknown>, target?: Record<string, unknown>): Promise<void>;
  dismiss(): void;
}

/**
 * A command's life on a card: pending until the entity's state is updated (the device confirmed, or
 * at once for optimistic entities), then the confirmed state; no answer within CONFIRM_MS is an error.
 */
export function useCommand(entityId: string, state: LiveState | undefined, friendlyName: string): Command {
  const callService = useCallService();
  const [pending, setPending] = useState<Pending | undefined>();
  const [error, setError] = useState<string | undefined>();
  const confirmed = pending !== undefined && state !== undefined && state.last_updated !== pending.baseline;
  const waiting = pending !== undefined && !confirmed;

  useEffect(() => {
    if (!waiting) return;
    const left = Math.max(0, pending.sentAt + CONFIRM_MS - Date.now());
    const timer = setTimeout(() => {
      setPending(undefined);
      setError(`${friendlyName} did not confirm the change. It may be offline or out of range.`);
    }, left);
    return () => clearTimeout(timer);
  }, [waiting, pending, friendlyName]);

  return {
    pending: waiting,
    target: waiting ? pending.target : {},
    error,
    async run(domain, service, data = {}, target = {}) {
      if (!state || state.state === "unavailable") return;
      setError(undefined);
      setPending({ baseline: state.last_updated, target, sentAt: Date.now() });
      const result = await callService(domain, service, { entity_id: entityId, ...data });
      if (!result.ok) {
        setPending(undefined);
        setError(result.message);
      }
    },
    dismiss() {
      setError(undefined);
    },
  };
}
