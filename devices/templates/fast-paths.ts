/**
 * Fast paths for the template shapes that make up nearly all real traffic (DISCOVERY.md §14.1):
 * `{{ value }}`, `{{ value_json.key }}`, `{{ value_json["key"] }}`, `{{ value_json['a']['b'] }}`,
 * `{{ value_json.list.0.x }}` and `{% if <path> %}A{% else %}B{% endif %}`.
 *
 * They read the variables directly and give up (FALLBACK) on anything that is not the plain case
 * (a non-dict parent, a key that names a dict method, a missing parent, a JS `undefined`…), so the
 * interpreter handles every subtle case. ha-template.test.ts proves they match the interpreter.
 */
import { pyStrip } from "./python-ops";
import { isPlainDict, pyStr, truthy } from "./python-values";

export const FALLBACK: unique symbol = Symbol("fallback");

export type FastOutcome = { ok: true; value: string; undefinedAccess?: string } | typeof FALLBACK;
export type FastRender = (vars: Readonly<Record<string, unknown>>) => FastOutcome;

interface Node {
  type: string;
}

/** Names that `dict.name` resolves to a method, not a key (python-ops.ts DICT_METHOD_NAMES). */
const DICT_ATTRIBUTES = new Set(["get", "keys", "values", "items", "copy", "pop", "popitem", "setdefault", "update", "clear", "fromkeys"]);

interface PathStep {
  key: string | number;
  /** Attribute access (`.key`) rather than subscript (`["key"]`). */
  attribute: boolean;
}

interface Path {
  root: string;
  steps: PathStep[];
}

const MISSING_LEAF: unique symbol = Symbol("missing-leaf");

/** Recognises `name`, `name.a`, `name["a"]`, `name.0`, `name[0]` chains. */
function pathOf(node: Node): Path | undefined {
  const steps: PathStep[] = [];
  let current = node;
  while (current.type === "MemberExpression") {
    const member = current as Node & { object: Node; property: Node & { value?: unknown }; computed: boolean };
    const property = member.property;
    if (member.computed) {
      if (property.type === "StringLiteral" && typeof property.value === "string") steps.push({ key: property.value, attribute: false });
      else if (property.type === "IntegerLiteral" && typeof property.value === "number") steps.push({ key: property.value, attribute: false });
      else return undefined;
    } else if (property.type === "Identifier" && typeof property.value === "string") {
      steps.push({ key: property.value, attribute: true });
    } else if (property.type === "IntegerLiteral" && typeof property.value === "number") {
      steps.push({ key: property.value, attribute: false });
    } else {
      return undefined;
    }
    current = member.object;
  }
  if (current.type !== "Identifier") return undefined;
  const root = (current as Node & { value: string }).value;
  if (["true", "false", "none", "True", "False", "None"].includes(root)) return undefined;
  if (steps.some((s) => typeof s.key === "string" && s.key.startsWith("_"))) return undefined;
  return { root, steps: steps.reverse() };
}

/** Resolves a path on plain data, or MISSING_LEAF / FALLBACK. */
function resolve(path: Path, vars: Readonly<Record<string, unknown>>): unknown {
  if (!Object.hasOwn(vars, path.root)) return FALLBACK;
  let current = vars[path.root];
  if (current === undefined) return FALLBACK;
  const steps = path.steps;
  const last = steps.length - 1;
  for (let i = 0; i <= last; i++) {
    const step = steps[i] as PathStep;
    const key = step.key;
    if (typeof key === "string") {
      if (!isPlainDict(current)) return FALLBACK;
      if (DICT_ATTRIBUTES.has(key)) return FALLBACK;
      if (!Object.hasOwn(current, key)) return i === last ? MISSING_LEAF : FALLBACK;
      current = current[key];
    } else {
      if (!Array.isArray(current)) return FALLBACK;
      const index = key < 0 ? key + current.length : key;
      if (index < 0 || index >= current.length) return FALLBACK;
      current = current[index] as unknown;
    }
    if (current === undefined) return FALLBACK;
  }
  return current;
}

/** Python's str.strip() (pyStrip returns at once when there is nothing to strip). */
function strip(text: string): string {
  return pyStrip(text);
}

function printed(value: unknown): string {
  return typeof value === "string" ? strip(value) : pyStr(value);
}

function literalText(nodes: Node[]): string | undefined {
  if (nodes.length === 0) return "";
  if (nodes.length !== 1) return undefined;
  const node = nodes[0] as Node & { value?: unknown };
  return node.type === "StringLiteral" && typeof node.value === "string" ? node.value : undefined;
}

/** Returns a fast renderer for `program`, or undefined when it has no fast path. */
export function fastPathFor(program: { body: Node[] }): FastRender | undefined {
  if (program.body.length !== 1) return undefined;
  const node = program.body[0] as Node;

  const path = pathOf(node);
  if (path) {
    return (vars) => {
      const value = resolve(path, vars);
      if (value === FALLBACK) return FALLBACK;
      if (value === MISSING_LEAF) {
        const leaf = path.steps[path.steps.length - 1] as PathStep;
        return { ok: true, value: "", undefinedAccess: String(leaf.key) };
      }
      return { ok: true, value: printed(value) };
    };
  }

  if (node.type === "If") {
    const ifNode = node as Node & { test: Node; body: Node[]; alternate: Node[] };
    const testPath = pathOf(ifNode.test);
    const yes = literalText(ifNode.body);
    const no = literalText(ifNode.alternate);
    if (!testPath || yes === undefined || no === undefined) return undefined;
    const yesText = strip(yes);
    const noText = strip(no);
    return (vars) => {
      const value = resolve(testPath, vars);
      if (value === FALLBACK) return FALLBACK;
      return { ok: true, value: value !== MISSING_LEAF && truthy(value) ? yesText : noText };
    };
  }
  return undefined;
}
