import { reproduceCalls, reproducible } from "@/devices/scenes/reproduce-state";
import type { SceneStates } from "@/devices/scenes/scene-state";
import { HubError } from "../errors";
import type { HaState } from "../hub-api";

export interface ApplyPorts {
  /** What the error names: "scene.apply" or the scene's entity id. */
  label: string;
  transition: number | undefined;
  state: (entityId: string) => HaState | undefined;
  /** One call of an entity's own service through the hub's service layer (entity_id is in `data`). */
  callService: (domain: string, service: string, data: Record<string, unknown>) => Promise<HaState[]>;
}

/**
 * Brings each entity to its scene state with its domain's services (HA's async_reproduce_state), one entity after
 * another. An entity that does not exist, that scenes cannot set, or whose call fails does not stop the others;
 * afterwards one `unprocessable` error names each, by kind. Answers the states that changed.
 */
export async function applySceneStates(states: SceneStates, ports: ApplyPorts): Promise<HaState[]> {
  const unknown: string[] = [];
  const unsupported: string[] = [];
  const failed: string[] = [];
  const changed: HaState[] = [];
  const options = ports.transition === undefined ? {} : { transition: ports.transition };
  const entityIds = Object.keys(states);
  for (const entityId of entityIds) {
    const current = ports.state(entityId);
    if (!current) {
      unknown.push(entityId);
      continue;
    }
    if (!reproducible(entityId)) {
      unsupported.push(entityId);
      continue;
    }
    const domain = entityId.slice(0, entityId.indexOf("."));
    for (const { service, data } of reproduceCalls(entityId, states[entityId]!, current, options)) {
      try {
        changed.push(...(await ports.callService(domain, service, { ...data, entity_id: entityId })));
      } catch (err) {
        failed.push(`${entityId} (${domain}.${service}: ${err instanceof Error ? err.message : String(err)})`);
        break;
      }
    }
  }
  const problems = unknown.length + unsupported.length + failed.length;
  if (problems > 0) {
    const parts = [
      ...(unknown.length ? [`no such entities: ${unknown.join(", ")}`] : []),
      ...(unsupported.length ? [`scenes cannot set: ${unsupported.join(", ")}`] : []),
      ...(failed.length ? [`failed: ${failed.join(", ")}`] : []),
    ];
    throw new HubError("unprocessable", `${ports.label}: ${entityIds.length - problems} of ${entityIds.length} entities set; ${parts.join("; ")}`, {
      details: { unknown, unsupported, failed },
    });
  }
  return changed;
}
