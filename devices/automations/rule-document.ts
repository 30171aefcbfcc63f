import { isRecord } from "./config-shapes";
import { Composer, CST, type Document, isMap, isScalar, isSeq, Parser, parseDocument, visit, type Node, type YAMLSeq } from "yaml";

/**
 * The rule as the visual editor edits it: the YAML text stays the source of truth, so what a person typed
 * (comments, blank lines, quoting, key order) survives edits made with the forms. A changed scalar is set in
 * the concrete syntax tree (CST), which leaves every other byte as it was; a structural change (an item added,
 * removed or moved, a new key) goes through the document model, which keeps comments but may respace them.
 */

export type Path = ReadonlyArray<string | number>;
export type Section = "triggers" | "conditions" | "actions";

/** The spellings each section has had (HA still reads the old ones); the first is written for new sections. */
const SECTION_KEYS: Record<Section, readonly [string, string]> = {
  triggers: ["triggers", "trigger"],
  conditions: ["conditions", "condition"],
  actions: ["actions", "action"],
};

type Scalar = string | number | boolean | null;

export type ReadResult = { ok: true; doc: RuleDocument } | { ok: false; error: string };

export class RuleDocument {
  readonly text: string;
  /** The rule as plain data (what the forms show). */
  readonly value: Record<string, unknown>;
  /** [] for a rule at the top, [0] for HA's automations.yaml list of one rule. */
  readonly #root: Path;

  private constructor(text: string, value: Record<string, unknown>, root: Path) {
    this.text = text;
    this.value = value;
    this.#root = root;
  }

  /** Reads YAML (or JSON); refuses text that does not parse, or that is not one rule. */
  static read(text: string): ReadResult {
    const doc = parseDocument(text, { uniqueKeys: true });
    if (doc.errors.length > 0) return { ok: false, error: doc.errors[0]!.message.split("\n")[0]! };
    const js = doc.toJS({ maxAliasCount: 100 }) as unknown;
    if (js === null || js === undefined) return { ok: true, doc: new RuleDocument(text, {}, []) };
    if (Array.isArray(js)) {
      if (js.length === 1 && isRecord(js[0])) return { ok: true, doc: new RuleDocument(text, js[0], [0]) };
      return { ok: false, error: "the YAML is a list: the visual editor shows one rule at a time" };
    }
    if (!isRecord(js)) return { ok: false, error: "the YAML is not a rule (a mapping with triggers, conditions and actions)" };
    return { ok: true, doc: new RuleDocument(text, js, []) };
  }

  /** The key a section is stored under now (`trigger:` in an old rule), or undefined when the rule has none. */
  sectionKey(section: Section): string | undefined {
    return SECTION_KEYS[section].find((k) => Object.hasOwn(this.value, k));
  }

  /** The section's items (a single item written without a list counts as a list of one). */
  items(section: Section): unknown[] {
    const key = this.sectionKey(section);
    const v = key === undefined ? undefined : this.value[key];
    return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
  }

  /** The text with the value at `path` (relative to the rule) set, or removed when `value` is undefined. */
  set(path: Path, value: unknown): string {
    const full = [...this.#root, ...path];
    if (value !== undefined && isScalarValue(value)) {
      const exact = setScalarInPlace(this.text, full, value);
      if (exact !== undefined) return exact;
    }
    return this.#edit((doc) => {
      if (value === undefined) doc.deleteIn(full);
      else doc.setIn(full, nodeOf(doc, value));
    });
  }

  /** The text with `item` added at the end of a section (the section is made when missing). */
  add(section: Section, item: unknown): string {
    const key = this.sectionKey(section) ?? SECTION_KEYS[section][0];
    return this.#edit((doc) => {
      const at = [...this.#root, key];
      const node = doc.getIn(at, true);
      if (isSeq(node)) {
        // An emptied list reads `[]`: the item it gets is written as a block, as the rest of the rule.
        if (node.items.length === 0) node.flow = false;
        return void node.add(nodeOf(doc, item));
      }
      const list = nodeOf(doc, []) as YAMLSeq;
      // A single item written without a list becomes the list's first item, comments and all.
      if (node !== undefined && !(isScalar(node) && node.value === null)) list.add(node);
      list.add(nodeOf(doc, item));
      doc.setIn(at, list);
    });
  }

  /** The text without item `index` of a section. */
  remove(section: Section, index: number): string {
    const key = this.sectionKey(section);
    if (key === undefined) return this.text;
    return this.#edit((doc) => {
      const node = doc.getIn([...this.#root, key], true);
      if (isSeq(node)) node.items.splice(index, 1);
      else if (index === 0) doc.setIn([...this.#root, key], nodeOf(doc, []));
    });
  }

  /** The text with item `index` moved by `delta` places (comments move with their item). */
  move(section: Section, index: number, delta: -1 | 1): string {
    const key = this.sectionKey(section);
    const to = index + delta;
    if (key === undefined || to < 0 || to >= this.items(section).length) return this.text;
    return this.#edit((doc) => {
      const node = doc.getIn([...this.#root, key], true);
      if (!isSeq(node) || to < 0 || to >= node.items.length) return;
      const [item] = node.items.splice(index, 1);
      node.items.splice(to, 0, item);
    });
  }

  /** The text with item `index` replaced by `item` (the editor's per-item YAML). */
  replace(section: Section, index: number, item: unknown): string {
    const key = this.sectionKey(section);
    if (key === undefined) return this.add(section, item);
    if (!Array.isArray(this.value[key])) return this.set([key], [item]);
    return this.set([key, index], item);
  }

  #edit(change: (doc: Document) => void): string {
    const doc = parseDocument(this.text, { uniqueKeys: true });
    if (!isMap(doc.contents) && !isSeq(doc.contents)) doc.contents = nodeOf(doc, {}) as unknown as typeof doc.contents;
    change(doc);
    return doc.toString({ lineWidth: 0, indentSeq: indentsSequences(this.text) });
  }
}

/** A new node for `value`, its strings quoted where YAML 1.1 (Home Assistant's) or 1.2 would read something else. */
function nodeOf(doc: Document, value: unknown): Node {
  const node = doc.createNode(value);
  visit(node, {
    Scalar(_, s) {
      if (typeof s.value === "string" && readsAsOther(s.value)) s.type = "QUOTE_DOUBLE";
    },
  });
  return node;
}

/** Whether a string written plain would read back as something else (`off`, `5`, `null`) in either YAML version. */
function readsAsOther(value: string): boolean {
  return parseDocument(value).toJS() !== value || parseDocument(value, { version: "1.1" }).toJS() !== value;
}

/** Sets a scalar that already exists as a scalar, touching no other byte; undefined when that is not possible. */
function setScalarInPlace(text: string, path: Path, value: Scalar): string | undefined {
  const tokens = [...new Parser().parse(text)];
  const docs = [...new Composer({ keepSourceTokens: true }).compose(tokens)];
  if (docs.length !== 1) return undefined;
  const node = docs[0]!.getIn(path, true);
  if (!isScalar(node) || !node.srcToken || !("type" in node.srcToken)) return undefined;
  const token = node.srcToken;
  if (token.type !== "scalar" && token.type !== "double-quoted-scalar" && token.type !== "single-quoted-scalar") return undefined;
  if (typeof value === "string") {
    // A string that would read back as something else (true, 5, null, ~) keeps its quotes, or gets some.
    // Quotes the person typed stay; the `""` a new item starts with needed them only for being empty.
    const keepQuotes = token.type !== "scalar" && node.value !== "";
    const type = keepQuotes ? (token.type === "single-quoted-scalar" ? "QUOTE_SINGLE" : "QUOTE_DOUBLE") : readsAsOther(value) ? "QUOTE_DOUBLE" : "PLAIN";
    CST.setScalarValue(token, value, { type });
  } else {
    if (token.type !== "scalar") return undefined;
    CST.setScalarValue(token, value === null ? "null" : String(value), { type: "PLAIN" });
  }
  const out = tokens.map((t) => CST.stringify(t)).join("");
  // Trust, but check: the edit must read back as exactly the value asked for.
  const check = parseDocument(out);
  if (check.errors.length > 0 || !Object.is(check.getIn(path), value)) return undefined;
  return out;
}

/** Whether the text writes sequences under a key indented (`key:\n  - a`, the yaml library's default) or flush. */
function indentsSequences(text: string): boolean {
  const flush = /^(\s*)[\w"'-][^\n:]*:\s*\n\1- /m.test(text);
  const indented = /^(\s*)[\w"'-][^\n:]*:\s*\n\1\s+- /m.test(text);
  return indented || !flush;
}


function isScalarValue(v: unknown): v is Scalar {
  return v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}
