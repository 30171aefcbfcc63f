/**
 * HA's regex filters (`regex_match`, `regex_search`, `regex_replace`, `regex_findall`) with
 * Python `re` syntax, run on the JS engine:
 * - the pattern is translated (named groups `(?P<n>…)`, `(?P=n)`, `\A`, `\Z`, Python's `$`,
 *   `.`, `\w`/`\d`/`\s`/`\b` as Unicode classes, `{,n}`, literal braces, inline flags `(?ims)`);
 * - JS regexes cannot be interrupted, so a pattern is only run when its worst-case backtracking
 *   cost for the subject length is small: nested quantifiers (`(a+)+`, `(a|a)*`) are refused, and
 *   `C × N^U × N` (U = quantifiers that can backtrack, N = subject length) must stay under a limit.
 *   Patterns that could hang the hub raise a template error instead.
 */
import { checkStringLength, TemplateError, TemplateLimitError, tuple } from "./python-values";

const PY_WHITESPACE_CLASS = " \\t\\n\\r\\v\\f\\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const WORD = "\\p{L}\\p{N}_";
const WORD_BOUNDARY = `(?:(?<=[${WORD}])(?![${WORD}])|(?<![${WORD}])(?=[${WORD}]))`;
const NOT_WORD_BOUNDARY = `(?:(?<=[${WORD}])(?=[${WORD}])|(?<![${WORD}])(?![${WORD}]))`;

const INLINE_FLAGS = /\(\?([aiLmsux]+)\)/y;
const BRACE_QUANTIFIER = /\{(\d*)(,?)(\d*)\}/y;
const NAMED_GROUP = /\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/y;
const NAMED_BACKREF = /\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/y;
const OCTAL_DIGITS = /[0-7]{0,2}/y;
const TWO_DIGITS = /[0-9]{0,2}/y;
const GROUP_NAME = /<([^>]*)>/y;
const ONE_DIGIT = /[0-9]?/y;
const OCTAL_3 = /[0-7]{0,3}/y;

/** `pattern` (sticky) matched exactly at `at`, without copying the rest of the text. */
function matchAt(pattern: RegExp, text: string, at: number): RegExpExecArray | null {
  pattern.lastIndex = at;
  return pattern.exec(text);
}

/** Largest estimated backtracking cost allowed for one regex operation. */
const COST_LIMIT = 1e7;

interface CompiledRegex {
  source: string;
  flags: string;
  regex: RegExp;
  sticky: RegExp;
  groupCount: number;
  groupNames: Map<string, number>;
  /** Constant factor of the cost model (bounded repeats, alternations). */
  constant: number;
  /** Number of quantifiers that may backtrack over the whole subject. */
  unbounded: number;
  anchored: boolean;
}

const cache = new Map<string, CompiledRegex>();

export function compileRegex(pattern: string, ignoreCase: boolean): CompiledRegex {
  const key = `${ignoreCase ? "i" : "-"}${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const compiled = new Translator(pattern, ignoreCase).translate();
  if (cache.size >= 128) cache.delete(cache.keys().next().value as string);
  cache.set(key, compiled);
  return compiled;
}

function checkCost(re: CompiledRegex, subjectLength: number): void {
  const n = Math.max(subjectLength, 1);
  const cost = re.constant * n ** re.unbounded * (re.anchored ? 1 : n);
  if (cost > COST_LIMIT) {
    throw new TemplateLimitError(`regular expression too expensive for a ${subjectLength}-character input (possible catastrophic backtracking)`);
  }
}

interface GroupFrame {
  /** Output position of the group's opening parenthesis. */
  hasQuantifier: boolean;
  hasAlternation: boolean;
  branches: number;
}

class Translator {
  private pos = 0;
  private out = "";
  private flags = new Set<string>(["u"]);
  private groupCount = 0;
  private readonly groupNames = new Map<string, number>();
  private constant = 1;
  private unbounded = 0;
  private readonly stack: GroupFrame[] = [{ hasQuantifier: false, hasAlternation: false, branches: 1 }];
  /** What the last emitted atom was: for quantifier checks. */
  private lastAtom: { start: number; group?: GroupFrame } | undefined;
  private multiline = false;
  private dotAll = false;
  private ascii = false;

  private readonly pattern: string;

  constructor(pattern: string, ignoreCase: boolean) {
    this.pattern = pattern;
    if (ignoreCase) this.flags.add("i");
  }

  private fail(message: string): never {
    throw new TemplateError(`re.error: ${message} at position ${this.pos}`);
  }

  translate(): CompiledRegex {
    const p = this.pattern;
    // Global inline flags at the start: (?ims)
    for (let m = matchAt(INLINE_FLAGS, p, this.pos); m; m = matchAt(INLINE_FLAGS, p, this.pos)) {
      for (const f of m[1] ?? "") {
        if (f === "i") this.flags.add("i");
        else if (f === "m") this.multiline = true;
        else if (f === "s") this.dotAll = true;
        else if (f === "a") this.ascii = true;
        else if (f === "u") continue;
        else this.fail(`unsupported inline flag '${f}'`);
      }
      this.pos += m[0].length;
    }
    // No JS "m" flag: ^ and $ are spelled out below, so \A and \Z stay absolute anchors.
    const anchored = p.startsWith("^", this.pos) || p.startsWith("\\A", this.pos);
    while (this.pos < p.length) this.step();
    if (this.stack.length !== 1) this.fail("missing ), unterminated subpattern");
    const top = this.stack[0];
    if (top && top.branches > 1) this.constant *= top.branches;
    const flags = Array.from(this.flags).join("");
    let regex: RegExp;
    let sticky: RegExp;
    try {
      regex = new RegExp(this.out, `${flags}g`);
      sticky = new RegExp(this.out, `${flags}y`);
    } catch (err) {
      throw new TemplateError(`re.error: ${(err as Error).message}`);
    }
    return {
      source: this.out,
      flags,
      regex,
      sticky,
      groupCount: this.groupCount,
      groupNames: this.groupNames,
      constant: this.constant,
      unbounded: this.unbounded,
      anchored,
    };
  }

  private frame(): GroupFrame {
    return this.stack[this.stack.length - 1] as GroupFrame;
  }

  private emitAtom(text: string, group?: GroupFrame): void {
    this.lastAtom = { start: this.out.length, group };
    this.out += text;
  }

  private step(): void {
    const p = this.pattern;
    const ch = p.charAt(this.pos);
    switch (ch) {
      case "\\":
        this.escape(false);
        return;
      case "[":
        this.charClass();
        return;
      case "(":
        this.openGroup();
        return;
      case ")": {
        this.pos++;
        if (this.stack.length <= 1) this.fail("unbalanced parenthesis");
        const closed = this.stack.pop() as GroupFrame;
        if (closed.branches > 1) this.constant *= closed.branches;
        const parent = this.frame();
        parent.hasQuantifier ||= closed.hasQuantifier;
        parent.hasAlternation ||= closed.hasAlternation;
        const start = this.groupStarts.pop() ?? 0;
        this.out += ")";
        this.lastAtom = { start, group: closed };
        return;
      }
      case "|":
        this.pos++;
        this.frame().hasAlternation = true;
        this.frame().branches++;
        this.out += "|";
        this.lastAtom = undefined;
        return;
      case "*":
      case "+":
      case "?":
        this.quantifier(ch === "?" ? 0 : ch === "*" ? 0 : 1, ch === "?" ? 1 : Infinity, ch);
        return;
      case "{": {
        const m = matchAt(BRACE_QUANTIFIER, p, this.pos);
        if (m && (m[1] !== "" || (m[2] === "," && m[3] !== ""))) {
          const min = m[1] === "" ? 0 : Number(m[1]);
          const max = m[2] === "" ? min : m[3] === "" ? Infinity : Number(m[3]);
          if (max < min) this.fail("min repeat greater than max repeat");
          this.quantifier(min, max, `{${min}${m[2] === "" ? "" : `,${m[3]}`}}`, m[0].length);
          return;
        }
        this.pos++;
        this.emitAtom("\\{");
        return;
      }
      case "}":
        this.pos++;
        this.emitAtom("\\}");
        return;
      case ".":
        this.pos++;
        this.emitAtom(this.dotAll ? "[\\s\\S]" : "[^\\n]");
        return;
      case "$":
        this.pos++;
        this.out += this.multiline ? "(?=\\n|$)" : "(?=\\n?$)";
        this.lastAtom = undefined;
        return;
      case "^":
        this.pos++;
        this.out += this.multiline ? "(?:^|(?<=\\n))" : "^";
        this.lastAtom = undefined;
        return;
      case "]":
        this.pos++;
        this.emitAtom("\\]");
        return;
      case "/":
        this.pos++;
        this.emitAtom("\\/");
        return;
      default: {
        const cp = p.codePointAt(this.pos) ?? 0;
        const text = String.fromCodePoint(cp);
        this.pos += text.length;
        this.emitAtom(text);
      }
    }
  }

  private readonly groupStarts: number[] = [];

  private openGroup(): void {
    const p = this.pattern;
    const at = this.pos;
    const start = this.out.length;
    if (p.startsWith("(?#", at)) {
      const end = p.indexOf(")", this.pos);
      if (end < 0) this.fail("missing ), unterminated comment");
      this.pos = end + 1;
      return;
    }
    const named = matchAt(NAMED_GROUP, p, at);
    const backref = matchAt(NAMED_BACKREF, p, at);
    if (backref) {
      const name = backref[1] ?? "";
      if (!this.groupNames.has(name)) this.fail(`unknown group name '${name}'`);
      this.pos += backref[0].length;
      this.emitAtom(`\\k<${name}>`);
      return;
    }
    let open: string;
    if (named) {
      const name = named[1] ?? "";
      if (this.groupNames.has(name)) this.fail(`redefinition of group name '${name}'`);
      this.groupNames.set(name, ++this.groupCount);
      open = `(?<${name}>`;
      this.pos += named[0].length;
    } else if (p.startsWith("(?:", at) || p.startsWith("(?=", at) || p.startsWith("(?!", at)) {
      open = p.slice(at, at + 3);
      this.pos += 3;
    } else if (p.startsWith("(?<=", at) || p.startsWith("(?<!", at)) {
      open = p.slice(at, at + 4);
      this.pos += 4;
    } else if (p.startsWith("(?", at)) {
      this.fail("unsupported group syntax (scoped flags, conditionals)");
    } else {
      this.groupCount++;
      open = "(";
      this.pos++;
    }
    this.groupStarts.push(start);
    this.stack.push({ hasQuantifier: false, hasAlternation: false, branches: 1 });
    this.out += open;
    this.lastAtom = undefined;
  }

  private quantifier(min: number, max: number, text: string, length = 1): void {
    this.pos += length;
    const atom = this.lastAtom;
    if (!atom) this.fail("nothing to repeat");
    let lazy = "";
    if (this.pattern.charAt(this.pos) === "?") {
      lazy = "?";
      this.pos++;
    } else if (this.pattern.charAt(this.pos) === "+") {
      this.fail("possessive quantifiers are not supported");
    }
    const repeats = max > 1;
    if (atom.group && repeats && (atom.group.hasQuantifier || atom.group.hasAlternation)) {
      throw new TemplateLimitError("regular expression refused: nested quantifier or repeated alternation (catastrophic backtracking risk)");
    }
    if (max === Infinity) this.unbounded++;
    else if (max > min) this.constant *= Math.min(max - min + 1, 1e6);
    if (atom.group && atom.group.branches > 1 && max > 1) this.constant *= atom.group.branches;
    if (max > min) this.frame().hasQuantifier = true;
    this.out += (text === "?" || text === "*" || text === "+" ? text : text) + lazy;
    this.lastAtom = undefined;
  }

  /** Python escape outside (`inClass` false) or inside a character class. */
  private escape(inClass: boolean): string | undefined {
    const p = this.pattern;
    const next = p.charAt(this.pos + 1);
    if (next === "") this.fail("bad escape (end of pattern)");
    this.pos += 2;
    const emit = (text: string): string | undefined => {
      if (inClass) return text;
      this.emitAtom(text);
      return undefined;
    };
    switch (next) {
      case "d":
        return emit(this.ascii ? "[0-9]" : inClass ? "\\p{Nd}" : "\\p{Nd}");
      case "D":
        return emit(this.ascii ? "[^0-9]" : "\\P{Nd}");
      case "w":
        return emit(this.ascii ? (inClass ? "A-Za-z0-9_" : "[A-Za-z0-9_]") : inClass ? WORD : `[${WORD}]`);
      case "W":
        return emit(this.ascii ? (inClass ? "\\W" : "[^A-Za-z0-9_]") : inClass ? "\\W" : `[^${WORD}]`);
      case "s":
        return emit(inClass ? PY_WHITESPACE_CLASS : `[${PY_WHITESPACE_CLASS}]`);
      case "S":
        return emit(inClass ? "\\S" : `[^${PY_WHITESPACE_CLASS}]`);
      case "b":
        if (inClass) return "\\x08";
        this.out += this.ascii ? "\\b" : WORD_BOUNDARY;
        this.lastAtom = undefined;
        return undefined;
      case "B":
        if (inClass) this.fail("bad escape \\B");
        this.out += this.ascii ? "\\B" : NOT_WORD_BOUNDARY;
        this.lastAtom = undefined;
        return undefined;
      case "A":
        if (inClass) this.fail("bad escape \\A");
        this.out += "^";
        this.lastAtom = undefined;
        return undefined;
      case "Z":
        if (inClass) this.fail("bad escape \\Z");
        this.out += "$";
        this.lastAtom = undefined;
        return undefined;
      case "n":
        return emit("\\n");
      case "t":
        return emit("\\t");
      case "r":
        return emit("\\r");
      case "f":
        return emit("\\f");
      case "v":
        return emit("\\v");
      case "a":
        return emit("\\x07");
      case "x": {
        const hex = p.slice(this.pos, this.pos + 2);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) this.fail("incomplete escape \\x");
        this.pos += 2;
        return emit(`\\x${hex}`);
      }
      case "u":
      case "U": {
        const width = next === "u" ? 4 : 8;
        const hex = p.slice(this.pos, this.pos + width);
        if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) this.fail(`incomplete escape \\${next}`);
        this.pos += width;
        return emit(`\\u{${parseInt(hex, 16).toString(16)}}`);
      }
      case "0": {
        const oct = matchAt(OCTAL_DIGITS, p, this.pos)?.[0] ?? "";
        this.pos += oct.length;
        return emit(`\\u{${parseInt(`0${oct}`, 8).toString(16)}}`);
      }
      default:
        break;
    }
    if (/[1-9]/.test(next)) {
      const more = matchAt(TWO_DIGITS, p, this.pos)?.[0] ?? "";
      if (more.length === 2 && /^[0-7]+$/.test(next + more) && /[0-7]/.test(next)) {
        this.pos += 2;
        return emit(`\\u{${parseInt(next + more, 8).toString(16)}}`);
      }
      if (inClass) this.fail("bad escape (backreference in class)");
      const digits = next + more.slice(0, 1);
      const n = Number(digits) <= this.groupCount ? Number(digits) : Number(next);
      this.pos += String(n).length - 1;
      if (n > this.groupCount) this.fail(`invalid group reference ${n}`);
      return emit(`(?:\\${n})`);
    }
    if (/[A-Za-z]/.test(next)) this.fail(`bad escape \\${next}`);
    // Escaped punctuation or non-ASCII: a literal.
    const cp = p.codePointAt(this.pos - 1) ?? 0;
    const literal = String.fromCodePoint(cp);
    this.pos += literal.length - 1;
    return emit(`\\u{${cp.toString(16)}}`);
  }

  private charClass(): void {
    const p = this.pattern;
    this.pos++;
    let body = "";
    if (p.charAt(this.pos) === "^") {
      body += "^";
      this.pos++;
    }
    let first = true;
    for (;;) {
      if (this.pos >= p.length) this.fail("unterminated character set");
      const ch = p.charAt(this.pos);
      if (ch === "]" && !first) {
        this.pos++;
        break;
      }
      first = false;
      if (ch === "\\") {
        body += this.escape(true) ?? "";
        continue;
      }
      const cp = p.codePointAt(this.pos) ?? 0;
      const text = String.fromCodePoint(cp);
      this.pos += text.length;
      if (ch === "-") body += "-";
      else if ("[]{}()|/^$.*+?".includes(ch)) body += `\\${ch}`;
      else body += text;
    }
    this.emitAtom(`[${body}]`);
  }
}

// ---------------------------------------------------------------------------------------------
// Operations (Python `re` semantics)

function groupValue(match: RegExpExecArray, index: number): string {
  return match[index] ?? "";
}

export function regexMatch(value: string, pattern: string, ignoreCase: boolean): boolean {
  const re = compileRegex(pattern, ignoreCase);
  checkCost({ ...re, anchored: true }, value.length);
  re.sticky.lastIndex = 0;
  return re.sticky.test(value);
}

export function regexSearch(value: string, pattern: string, ignoreCase: boolean): boolean {
  const re = compileRegex(pattern, ignoreCase);
  checkCost(re, value.length);
  re.regex.lastIndex = 0;
  return re.regex.test(value);
}

/** Python `re.findall`: whole matches, the single group, or tuples of groups. */
export function regexFindall(value: string, pattern: string, ignoreCase: boolean): unknown[] {
  const re = compileRegex(pattern, ignoreCase);
  checkCost(re, value.length);
  const out: unknown[] = [];
  for (const match of value.matchAll(re.regex)) {
    if (re.groupCount === 0) out.push(match[0]);
    else if (re.groupCount === 1) out.push(groupValue(match, 1));
    else {
      const groups: string[] = [];
      for (let i = 1; i <= re.groupCount; i++) groups.push(groupValue(match, i));
      out.push(tuple(groups));
    }
  }
  return out;
}

type ReplacementPart = string | number;

/** Parses a Python `re.sub` replacement template (`\1`, `\g<name>`, `\n`…). */
function parseReplacement(template: string, re: CompiledRegex): ReplacementPart[] {
  const parts: ReplacementPart[] = [];
  let literal = "";
  for (let i = 0; i < template.length; i++) {
    const ch = template.charAt(i);
    if (ch !== "\\") {
      literal += ch;
      continue;
    }
    const next = template.charAt(i + 1);
    i++;
    let group: number | undefined;
    if (next === "g") {
      const m = matchAt(GROUP_NAME, template, i + 1);
      if (!m) throw new TemplateError("re.error: missing group name");
      const name = m[1] ?? "";
      group = /^\d+$/.test(name) ? Number(name) : re.groupNames.get(name);
      if (group === undefined) throw new TemplateError(`unknown group name '${name}'`);
      i += m[0].length;
    } else if (/[0-9]/.test(next)) {
      const more = matchAt(ONE_DIGIT, template, i + 1)?.[0] ?? "";
      if (next === "0" || (more.length === 1 && /^[0-7]{3}$/.test(next + more + template.charAt(i + 2)))) {
        const oct = matchAt(OCTAL_3, template, i)?.[0] ?? "0";
        literal += String.fromCharCode(parseInt(oct, 8));
        i += oct.length - 1;
        continue;
      }
      group = Number(next + more);
      i += more.length;
    } else {
      const escapes: Record<string, string> = { n: "\n", t: "\t", r: "\r", f: "\f", v: "\v", a: "\x07", b: "\b", "\\": "\\" };
      const mapped = escapes[next];
      if (mapped !== undefined) literal += mapped;
      else if (/[A-Za-z]/.test(next)) throw new TemplateError(`re.error: bad escape \\${next}`);
      else literal += `\\${next}`;
      continue;
    }
    if (group > re.groupCount) throw new TemplateError(`re.error: invalid group reference ${group}`);
    if (literal) parts.push(literal);
    literal = "";
    parts.push(group);
  }
  if (literal) parts.push(literal);
  return parts;
}

/** Python `re.sub(pattern, replacement, value)`. */
export function regexReplace(value: string, pattern: string, replacement: string, ignoreCase: boolean): string {
  const re = compileRegex(pattern, ignoreCase);
  checkCost(re, value.length);
  const parts = parseReplacement(replacement, re);
  let out = "";
  let last = 0;
  for (const match of value.matchAll(re.regex)) {
    const index = match.index;
    out += value.slice(last, index);
    for (const part of parts) out += typeof part === "string" ? part : groupValue(match, part);
    last = index + match[0].length;
    checkStringLength(out.length);
  }
  out += value.slice(last);
  checkStringLength(out.length);
  return out;
}
