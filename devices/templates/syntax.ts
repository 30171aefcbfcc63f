/**
 * Parsing with @huggingface/jinja's lexer and parser, after adapting string literals to Python's
 * escape rules: Jinja2 decodes literals with `unicode-escape`, which keeps unknown escapes such as
 * `\d` (common in regex patterns) and knows `\a`, `\0`, `\U0001F600`; the library's lexer rejects
 * them. Only the inside of `{{ }}`/`{% %}` tags is touched; text outside tags stays as written.
 */
import { parse, tokenize } from "@huggingface/jinja";

const OCTAL_ESCAPE = /[0-7]{1,3}/y;
const TAG_OPEN = /\{[{%#]/g;

/** `pattern` (sticky) matched exactly at `at`, without copying the rest of the text. */
function matchAt(pattern: RegExp, text: string, at: number): RegExpExecArray | null {
  pattern.lastIndex = at;
  return pattern.exec(text);
}

const LIBRARY_ESCAPES = new Set(["n", "t", "r", "b", "f", "v", "'", '"', "\\", "x", "u"]);

function hex4(code: number): string {
  return `\\u${code.toString(16).padStart(4, "0")}`;
}

/** Rewrites one escape (`\` + rest) into a form the library lexer understands. */
function rewriteEscape(source: string, at: number): { text: string; length: number } {
  const next = source.charAt(at + 1);
  if (next === "x") {
    return /^[0-9a-fA-F]{2}$/.test(source.slice(at + 2, at + 4)) ? { text: source.slice(at, at + 4), length: 4 } : { text: "\\\\x", length: 2 };
  }
  if (next === "u") {
    return /^[0-9a-fA-F]{4}$/.test(source.slice(at + 2, at + 6)) ? { text: source.slice(at, at + 6), length: 6 } : { text: "\\\\u", length: 2 };
  }
  if (LIBRARY_ESCAPES.has(next)) return { text: `\\${next}`, length: 2 };
  if (next === "a") return { text: "\\x07", length: 2 };
  if (next === "U") {
    const hex = source.slice(at + 2, at + 10);
    if (/^[0-9a-fA-F]{8}$/.test(hex) && parseInt(hex, 16) <= 0x10ffff) {
      const ch = String.fromCodePoint(parseInt(hex, 16));
      return { text: Array.from(ch.split(""), (unit) => hex4(unit.charCodeAt(0))).join(""), length: 10 };
    }
    return { text: "\\\\U", length: 2 };
  }
  const octal = matchAt(OCTAL_ESCAPE, source, at + 1)?.[0];
  if (octal) return { text: hex4(parseInt(octal, 8)), length: 1 + octal.length };
  if (next === "\n") return { text: "", length: 2 };
  // Unknown escape: Python keeps the backslash.
  return { text: "\\\\", length: 1 };
}

/** Jinja2 number literals the library lexer does not know: `1e3`, `1_000`, `0x1F`, `0o17`, `0b101`. */
const NUMBER_LITERAL = /(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|\d(?:_?\d)*(?:\.\d(?:_?\d)*)?(?:[eE][+-]?\d(?:_?\d)*)?)/y;

/** Plain decimal digits for a float, always with a '.', so the library parses a FloatLiteral. */
function positionalFloat(x: number): string {
  if (!Number.isFinite(x)) return `${"9".repeat(400)}.0`;
  if (x === 0) return "0.0";
  const [mantissa = "0", exponentText = "0"] = x.toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const point = Number(exponentText) + 1;
  if (point <= 0) return `0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${digits}${"0".repeat(point - digits.length)}.0`;
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Rewrites a number literal at `at` when the library lexer would misread it. */
function rewriteNumber(source: string, at: number): { text: string; length: number } | undefined {
  const previous = source.charAt(at - 1);
  if (/[\w.]/.test(previous)) return undefined;
  const m = matchAt(NUMBER_LITERAL, source, at);
  if (!m) return undefined;
  const token = m[0];
  if (!/[_xXoObBeE]/.test(token)) return undefined;
  const plain = token.replace(/_/g, "");
  const prefix = plain.slice(0, 2).toLowerCase();
  if (prefix === "0x" || prefix === "0o" || prefix === "0b") return { text: BigInt(plain.toLowerCase()).toString(), length: token.length };
  if (/[.eE]/.test(plain)) return { text: positionalFloat(Number(plain)), length: token.length };
  return { text: plain, length: token.length };
}

/** Applies Python's string-literal escape rules and Jinja2's number syntax inside template tags. */
export function normalizeStringEscapes(source: string): string {
  if (!/\\|\d[_eExXoObB]/.test(source)) return source;
  let out = "";
  let i = 0;
  const n = source.length;
  while (i < n) {
    // Text outside tags.
    TAG_OPEN.lastIndex = i;
    const open = TAG_OPEN.exec(source)?.index ?? -1;
    if (open < 0) {
      out += source.slice(i);
      break;
    }
    out += source.slice(i, open);
    i = open;
    const kind = source.charAt(i + 1);
    if (kind === "#") {
      const end = source.indexOf("#}", i + 2);
      const stop = end < 0 ? n : end + 2;
      out += source.slice(i, stop);
      i = stop;
      continue;
    }
    const close = kind === "{" ? "}}" : "%}";
    out += source.slice(i, i + 2);
    i += 2;
    let quote = "";
    let depth = 0;
    while (i < n) {
      const ch = source.charAt(i);
      if (quote) {
        if (ch === "\\") {
          const { text, length } = rewriteEscape(source, i);
          out += text;
          i += length;
          continue;
        }
        if (ch === quote) quote = "";
        out += ch;
        i++;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        out += ch;
        i++;
        continue;
      }
      if (ch >= "0" && ch <= "9") {
        const number = rewriteNumber(source, i);
        if (number) {
          out += number.text;
          i += number.length;
          continue;
        }
      }
      if (ch === "{") depth++;
      if (ch === "}" && depth > 0) {
        depth--;
        out += ch;
        i++;
        continue;
      }
      if (source.startsWith(close, i) && depth === 0) {
        out += close;
        i += 2;
        break;
      }
      out += ch;
      i++;
    }
  }
  return out;
}

export type ParsedProgram = ReturnType<typeof parse>;
type Token = ReturnType<typeof tokenize>[number];

/** Name of the internal filter that carries tests with arguments (see {@link rewriteTestArguments}). */
export const TEST_FILTER = "__test__";

const NOT_AN_ARGUMENT = new Set(["and", "or", "else", "if", "not", "in", "is"]);
const OPENERS: Record<string, string> = { OpenParen: "CloseParen", OpenSquareBracket: "CloseSquareBracket", OpenCurlyBracket: "CloseCurlyBracket" };

/** Index just past the bracket group opening at `start`, or -1. */
function groupEnd(tokens: readonly Token[], start: number): number {
  const open = tokens[start]?.type ?? "";
  const close = OPENERS[open];
  if (!close) return -1;
  let depth = 0;
  for (let i = start; i < tokens.length; i++) {
    const type = tokens[i]?.type;
    if (type === open) depth++;
    else if (type === close && --depth === 0) return i + 1;
  }
  return -1;
}

/** Extends an expression ending before `start` over `.name`, `.0`, `[…]` and `(…)` suffixes. */
function postfixEnd(tokens: readonly Token[], start: number): number {
  let end = start;
  while (end > 0 && end < tokens.length) {
    const type = tokens[end]?.type;
    const after = tokens[end + 1]?.type;
    if (type === "Dot" && (after === "Identifier" || after === "NumericLiteral")) end += 2;
    else if (type === "OpenSquareBracket" || type === "OpenParen") end = groupEnd(tokens, end);
    else break;
  }
  return end;
}

function token(value: string, type: Token["type"]): Token {
  const made: Token = { value, type };
  return made;
}

/**
 * The library parser only knows tests without arguments (`x is defined`). Jinja2 also has
 * `x is divisibleby(3)`, `x is eq 3`, `x is match('a')`, `x is in [1, 2]`. Those are rewritten to
 * an internal filter call `x | __test__("name", negate, args…)`, which binds to the same operand
 * (Jinja2 parses tests and filters at the same level).
 */
export function rewriteTestArguments(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] as Token;
    if (tok.type !== "Identifier" || tok.value !== "is") {
      out.push(tok);
      continue;
    }
    let j = i + 1;
    const negate = tokens[j]?.type === "Identifier" && tokens[j]?.value === "not";
    if (negate) j++;
    const name = tokens[j];
    if (!name || name.type !== "Identifier") {
      out.push(tok);
      continue;
    }
    const next = tokens[j + 1];
    let args: Token[] | undefined;
    let end = j + 1;
    if (next?.type === "OpenParen") {
      end = groupEnd(tokens, j + 1);
      if (end > 0) args = tokens.slice(j + 2, end - 1);
    } else if (next && (next.type === "OpenSquareBracket" || next.type === "OpenCurlyBracket")) {
      end = postfixEnd(tokens, groupEnd(tokens, j + 1));
      if (end > 0) args = tokens.slice(j + 1, end);
    } else if (next && (next.type === "NumericLiteral" || next.type === "StringLiteral" || (next.type === "Identifier" && !NOT_AN_ARGUMENT.has(next.value)))) {
      // One primary expression with its postfix parts (`x is in value_json.list`), like Jinja2.
      end = postfixEnd(tokens, j + 2);
      if (end > 0) args = tokens.slice(j + 1, end);
    }
    if (!args) {
      out.push(tok);
      continue;
    }
    out.push(token("|", "Pipe"), token(TEST_FILTER, "Identifier"), token("(", "OpenParen"), token(name.value, "StringLiteral"));
    out.push(token(",", "Comma"), token(negate ? "true" : "false", "Identifier"));
    if (args.length > 0) out.push(token(",", "Comma"), ...args);
    out.push(token(")", "CloseParen"));
    i = end - 1;
  }
  return out;
}

/** Name of the internal global that builds tuples the library parser cannot (`()`, `(x,)`). */
export const TUPLE_FUNCTION = "__tuple__";

const CALLABLE_END = new Set(["Identifier", "CloseParen", "CloseSquareBracket", "StringLiteral"]);
const KEYWORDS = new Set(["in", "if", "else", "and", "or", "not", "is"]);

/** Whether `(` at `index` opens a call's argument list rather than a parenthesized expression. */
function opensCall(tokens: readonly Token[], index: number): boolean {
  const previous = tokens[index - 1];
  if (!previous || !CALLABLE_END.has(previous.type)) return false;
  return !(previous.type === "Identifier" && KEYWORDS.has(previous.value));
}

/**
 * The library parser reads `()` and `(x,)` as errors; Jinja2 reads them as tuples. Grouping
 * parentheses (not a call) that are empty or end with a comma become `__tuple__(…)`.
 */
export function rewriteTupleLiterals(tokens: Token[]): Token[] {
  const out = tokens.slice();
  for (let i = 0; i < out.length; i++) {
    if (out[i]?.type !== "OpenParen" || opensCall(out, i)) continue;
    const end = groupEnd(out, i);
    if (end < 0) continue;
    const empty = end === i + 2;
    const trailingComma = out[end - 2]?.type === "Comma";
    if (!empty && !trailingComma) continue;
    if (trailingComma) out.splice(end - 2, 1);
    out.splice(i, 0, token(TUPLE_FUNCTION, "Identifier"));
  }
  return out;
}

const CHAINED = new WeakSet<object>();

/** Whether a comparison operator token continues a chain (`a < b < c`: Python's `a < b and b < c`). */
export function isChainedComparison(operator: object): boolean {
  return CHAINED.has(operator);
}

const SEGMENT_BREAKS = new Set(["and", "or", "if", "else"]);

/**
 * The library parses `a < b < c` as `(a < b) < c`; Jinja2 chains comparisons like Python. Marks
 * the operator tokens that follow another comparison at the same bracket level, within one
 * operand of and/or/if/else/commas; explicit parentheses keep their meaning.
 */
export function markComparisonChains(tokens: readonly Token[]): void {
  const counts: number[] = [0];
  let forLoopIn = false;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] as Token;
    let comparison = false;
    const type = tok.type;
    if (type === "OpenExpression" || type === "OpenStatement" || type === "CloseExpression" || type === "CloseStatement" || type === "Text") {
      counts.length = 1;
      counts[0] = 0;
    } else if (type === "OpenParen" || type === "OpenSquareBracket" || type === "OpenCurlyBracket") {
      counts.push(0);
    } else if (type === "CloseParen" || type === "CloseSquareBracket" || type === "CloseCurlyBracket") {
      if (counts.length > 1) counts.pop();
    } else if (type === "Comma" || type === "Colon") {
      counts[counts.length - 1] = 0;
    } else if (type === "ComparisonBinaryOperator") {
      comparison = true;
    } else if (type === "Identifier") {
      if (tok.value === "for") forLoopIn = true;
      else if (tok.value === "in") {
        if (forLoopIn) forLoopIn = false;
        else comparison = true;
      } else if (tok.value === "not" || SEGMENT_BREAKS.has(tok.value)) counts[counts.length - 1] = 0;
    }
    if (comparison) {
      const top = counts.length - 1;
      if ((counts[top] ?? 0) > 0) CHAINED.add(tok);
      counts[top] = (counts[top] ?? 0) + 1;
    }
  }
}

/** `not in` as one comparison-operator token (so a chain can mark it; the parser accepts it). */
function mergeNotIn(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] as Token;
    const next = tokens[i + 1];
    if (tok.type === "Identifier" && tok.value === "not" && next?.type === "Identifier" && next.value === "in") {
      out.push(token("not in", "ComparisonBinaryOperator"));
      i++;
    } else out.push(tok);
  }
  return out;
}

/** Tokenizes and parses a template; throws the library's SyntaxError on bad input. */
export function parseTemplate(source: string): ParsedProgram {
  const tokens = rewriteTupleLiterals(mergeNotIn(rewriteTestArguments(tokenize(normalizeStringEscapes(source)))));
  markComparisonChains(tokens);
  return parse(tokens);
}
