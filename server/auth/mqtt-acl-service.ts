import { z } from "zod";
import type { HubDatabase } from "@/db/open-database";
import { readMqttAcl, replaceMqttAcl } from "@/db/queries/mqtt-acl";
import { ACL_ACCESS, type AclRule, MAX_ACL_RULES, patternProblem } from "@/devices/mqtt-acl/acl-rules";
import { HubError, formatIssues } from "../errors";

const ruleSchema = z.object({
  access: z.enum(ACL_ACCESS, { message: `access must be one of ${ACL_ACCESS.join(", ")}` }),
  pattern: z
    .string({ message: "pattern must be a string" })
    .trim()
    .superRefine((pattern, ctx) => {
      const problem = patternProblem(pattern);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
});
const rulesSchema = z.array(ruleSchema).max(MAX_ACL_RULES, `at most ${MAX_ACL_RULES} rules`);

/** Validates a rule list; a bad rule is a 422 whose `issues` name it (`rules.<i>.pattern`) for the editor. */
export function parseAclRules(value: unknown): AclRule[] {
  const parsed = rulesSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ path: ["rules", ...i.path.map(String)].join("."), message: i.message }));
  throw new HubError("unprocessable", formatIssues(parsed.error.issues.map((i) => ({ ...i, path: ["rules", ...i.path] }))), { details: { issues } });
}

export interface MqttAclServiceDeps {
  db: HubDatabase;
  /** The broker must reload this user's rules. */
  onChanged: (username: string) => void;
}

/** Stored ACL rules per MQTT user. No rules = full access; see devices/mqtt-acl for the semantics. */
export class MqttAclService {
  readonly #deps: MqttAclServiceDeps;

  constructor(deps: MqttAclServiceDeps) {
    this.#deps = deps;
  }

  get(username: string): AclRule[] {
    const rules = readMqttAcl(this.#deps.db, username);
    if (!rules) throw new HubError("not_found", `no MQTT user "${username}"`);
    return rules;
  }

  /** Replaces the user's whole list (an empty list restores full access). */
  replace(username: string, value: unknown): AclRule[] {
    const rules = parseAclRules(value);
    if (!replaceMqttAcl(this.#deps.db, username, rules)) throw new HubError("not_found", `no MQTT user "${username}"`);
    this.#deps.onChanged(username);
    return rules;
  }
}
