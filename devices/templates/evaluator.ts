/**
 * Compiles the AST produced by @huggingface/jinja's parser into closures with Jinja2/Python
 * semantics (as Home Assistant runs them). The library's own Interpreter is not used: its
 * filters are a closed switch (no user filters), `==` is JavaScript's, dict keys must be strings
 * and values print the JavaScript way — all wrong for HA templates.
 *
 * Compile once, render many: every node becomes a closure, names are resolved to filter/test
 * functions at compile time, and the render loop touches only the closures.
 *
 * Limits enforced during a render: wall-clock budget (checked every few hundred steps, in loops,
 * calls and filters), string/list sizes (python-values.ts), macro recursion depth, output size.
 */
import {
  checkListLength,
  checkStringLength,
  dictHas,
  dictItems,
  isDict,
  isNumberLike,
  type Kwargs,
  makeFloat,
  NO_KWARGS,
  numValue,
  PyCallable,
  PyDateTime,
  PyDict,
  PyFloat,
  pyCompare,
  pyEquals,
  PyNamespace,
  pyStr,
  PyTimedelta,
  PyUndefined,
  TemplateError,
  TemplateLimitError,
  truthy,
  tuple,
  TUPLES,
  typeName,
} from "./python-values";
import { getAttr, getItem, iterate, percentFormat, sliceValue } from "./python-ops";
import { isChainedComparison } from "./syntax";

// ---------------------------------------------------------------------------------------------
// AST shapes (structural view of @huggingface/jinja's ast.ts, which the package does not export)

interface Node {
  type: string;
}
interface ValueNode<T> extends Node {
  value: T;
}
interface IdentifierNode extends Node {
  value: string;
}
interface IfNode extends Node {
  test: Node;
  body: Node[];
  alternate: Node[];
}
interface ForNode extends Node {
  loopvar: Node;
  iterable: Node;
  body: Node[];
  defaultBlock: Node[];
}
interface SetNode extends Node {
  assignee: Node;
  value: Node | null;
  body: Node[];
}
interface MacroNode extends Node {
  name: IdentifierNode;
  args: Node[];
  body: Node[];
}
interface MemberNode extends Node {
  object: Node;
  property: Node;
  computed: boolean;
}
interface CallNode extends Node {
  callee: Node;
  args: Node[];
}
interface BinaryNode extends Node {
  operator: { value: string };
  left: Node;
  right: Node;
}
interface UnaryNode extends Node {
  operator: { value: string };
  argument: Node;
}
interface FilterNode extends Node {
  operand: Node;
  filter: Node;
}
interface FilterStatementNode extends Node {
  filter: Node;
  body: Node[];
}
interface TestNode extends Node {
  operand: Node;
  negate: boolean;
  test: IdentifierNode;
}
interface SelectNode extends Node {
  lhs: Node;
  test: Node;
}
interface TernaryNode extends Node {
  condition: Node;
  trueExpr: Node;
  falseExpr: Node;
}
interface SliceNode extends Node {
  start?: Node;
  stop?: Node;
  step?: Node;
}
interface KeywordArgumentNode extends Node {
  key: IdentifierNode;
  value: Node;
}
interface SpreadNode extends Node {
  argument: Node;
}

// ---------------------------------------------------------------------------------------------
// Runtime context

/** A filter: `value | name(args)`. Receives raw template values (see python-values.ts). */
export type FilterFunction = (value: unknown, args: unknown[], kwargs: Kwargs, ctx: RenderContext) => unknown;
/** A test: `value is name`. */
export type TestFunction = (value: unknown, args: unknown[], ctx: RenderContext) => boolean;

export interface Environment {
  readonly filters: ReadonlyMap<string, FilterFunction>;
  readonly tests: ReadonlyMap<string, TestFunction>;
  /** Global names (functions and constants), looked up after the render variables. */
  readonly globals: ReadonlyMap<string, unknown>;
}

/** Per-render state. */
export class RenderContext {
  /** Output of the block being rendered. */
  out = "";
  steps = 0;
  private nextCheck = 256;
  macroDepth = 0;
  /** The first undefined value printed as "" (HA's "Template variable warning"). */
  undefinedAccess: string | undefined = undefined;

  readonly env: Environment;
  readonly vars: Readonly<Record<string, unknown>>;
  readonly deadline: number;
  readonly clock: () => number;
  /** IANA zone for now()/timestamp_local (undefined: the platform's). */
  readonly timeZone: string | undefined;
  /** Clock for now()/utcnow(). */
  readonly now: () => number;

  constructor(
    env: Environment,
    vars: Readonly<Record<string, unknown>>,
    deadline: number,
    clock: () => number,
    timeZone: string | undefined,
    now: () => number,
  ) {
    this.env = env;
    this.vars = vars;
    this.deadline = deadline;
    this.clock = clock;
    this.timeZone = timeZone;
    this.now = now;
  }

  /**
   * Counts work (loop iterations, calls, comparisons); the wall clock is read every 256 units.
   * Costly operations (regexes over long inputs) pass a larger cost to force a check.
   */
  tick(cost = 1): void {
    this.steps += cost;
    if (this.steps >= this.nextCheck) {
      this.nextCheck = this.steps + 256;
      if (this.clock() > this.deadline) throw new TemplateLimitError("template render exceeded its time budget");
    }
  }

  write(text: string): void {
    if (text.length === 0) return;
    checkStringLength(this.out.length + text.length);
    this.out += text;
  }

  /** Prints a value as `{{ value }}` does. */
  print(value: unknown): void {
    if (typeof value === "string") {
      this.write(value);
      return;
    }
    if (value instanceof PyUndefined) {
      this.noteUndefined(value);
      return;
    }
    if (value === undefined) return;
    this.write(pyStr(value));
  }

  /** Records an Undefined turned into "" (HA's "Template variable warning"). */
  noteUndefined(value: PyUndefined): void {
    if (value.name !== "") this.undefinedAccess ??= value.name;
  }
}

/** Records an Undefined converted to "" during the render in progress. */
export function noteUndefined(value: PyUndefined): void {
  active?.noteUndefined(value);
}

/** Variable scope (`set`, loop variables, macro arguments). */
class Scope {
  readonly vars = new Map<string, unknown>();
  readonly parent: Scope | undefined;
  constructor(parent: Scope | undefined) {
    this.parent = parent;
  }

  /** The bound value, or NOT_FOUND. */
  lookup(name: string): unknown {
    if (this.vars.has(name)) return this.vars.get(name);
    let scope = this.parent;
    while (scope) {
      if (scope.vars.has(name)) return scope.vars.get(name);
      scope = scope.parent;
    }
    return NOT_FOUND;
  }
}
const NOT_FOUND: unique symbol = Symbol("not-found");

type Expr = (ctx: RenderContext, scope: Scope) => unknown;
type Stmt = (ctx: RenderContext, scope: Scope) => void;

/** `{% break %}` / `{% continue %}` unwind to the enclosing loop as these (preallocated) errors. */
class LoopSignal extends Error {}
const BREAK = new LoopSignal("break outside of a loop");
const CONTINUE = new LoopSignal("continue outside of a loop");

const MAX_AST_DEPTH = 200;
const MAX_MACRO_DEPTH = 40;

/** Raised at compile time: unknown filter/test, unsupported syntax. */
export class TemplateCompileError extends Error {
  override name = "TemplateCompileError";
}

// ---------------------------------------------------------------------------------------------
// Compiler

export interface CompiledProgram {
  run(ctx: RenderContext): void;
}

let active: RenderContext | undefined;

/** The context of the render in progress (for globals such as now()). */
export function activeContext(): RenderContext {
  if (!active) throw new TemplateError("no template is being rendered");
  return active;
}

export function compileProgram(program: { body: Node[] }, env: Environment): CompiledProgram {
  const compiler = new Compiler(env);
  const body = compiler.block(program.body, 0);
  return {
    run(ctx) {
      const previous = active;
      active = ctx;
      try {
        body(ctx, new Scope(undefined));
      } finally {
        active = previous;
      }
    },
  };
}

const CONSTANTS = new Map<string, unknown>([
  ["true", true],
  ["false", false],
  ["none", null],
  ["True", true],
  ["False", false],
  ["None", null],
]);

class Compiler {
  private readonly env: Environment;
  /** Enclosing `for` loops of the node being compiled (break/continue need one). */
  private loopDepth = 0;

  constructor(env: Environment) {
    this.env = env;
  }

  block(nodes: Node[], depth: number): Stmt {
    const stmts = nodes.filter((n) => n.type !== "Comment").map((n) => this.statement(n, depth + 1));
    if (stmts.length === 1) return stmts[0] as Stmt;
    return (ctx, scope) => {
      for (const stmt of stmts) stmt(ctx, scope);
    };
  }

  statement(node: Node, depth: number): Stmt {
    if (depth > MAX_AST_DEPTH) throw new TemplateCompileError("template nested too deeply");
    switch (node.type) {
      case "StringLiteral": {
        const text = (node as ValueNode<string>).value;
        return (ctx) => ctx.write(text);
      }
      case "If":
        return this.ifStatement(node as IfNode, depth);
      case "For":
        return this.forStatement(node as ForNode, depth);
      case "Set":
        return this.setStatement(node as SetNode, depth);
      case "Macro":
        return this.macro(node as MacroNode, depth);
      case "Break":
      case "Continue": {
        if (this.loopDepth === 0) throw new TemplateCompileError(`'${node.type.toLowerCase()}' outside of a loop`);
        const signal = node.type === "Break" ? BREAK : CONTINUE;
        return () => {
          throw signal;
        };
      }
      case "FilterStatement":
        return this.filterStatement(node as FilterStatementNode, depth);
      case "CallStatement":
        throw new TemplateCompileError("{% call %} blocks are not supported");
      default: {
        const expr = this.expr(node, depth);
        return (ctx, scope) => ctx.print(expr(ctx, scope));
      }
    }
  }

  private ifStatement(node: IfNode, depth: number): Stmt {
    const test = this.expr(node.test, depth);
    const body = this.block(node.body, depth);
    const alternate = node.alternate.length > 0 ? this.block(node.alternate, depth) : undefined;
    return (ctx, scope) => {
      if (truthy(test(ctx, scope))) body(ctx, scope);
      else if (alternate) alternate(ctx, scope);
    };
  }

  private forStatement(node: ForNode, depth: number): Stmt {
    let iterableNode = node.iterable;
    let filter: Expr | undefined;
    if (iterableNode.type === "SelectExpression") {
      filter = this.expr((iterableNode as SelectNode).test, depth);
      iterableNode = (iterableNode as SelectNode).lhs;
    }
    const iterable = this.expr(iterableNode, depth);
    const assign = this.assignTarget(node.loopvar);
    this.loopDepth++;
    const body = this.block(node.body, depth);
    this.loopDepth--;
    const otherwise = node.defaultBlock.length > 0 ? this.block(node.defaultBlock, depth) : undefined;
    return (ctx, scope) => {
      let items = iterate(iterable(ctx, scope));
      if (filter) {
        const selected: unknown[] = [];
        for (const item of items) {
          ctx.tick();
          const probe = new Scope(scope);
          assign(probe, item);
          if (truthy(filter(ctx, probe))) selected.push(item);
        }
        items = selected;
      }
      const length = items.length;
      let ran = false;
      for (let i = 0; i < length; i++) {
        ctx.tick();
        const iterScope = new Scope(scope);
        const loop = Object.create(null) as Record<string, unknown>;
        loop.index = i + 1;
        loop.index0 = i;
        loop.revindex = length - i;
        loop.revindex0 = length - i - 1;
        loop.first = i === 0;
        loop.last = i === length - 1;
        loop.length = length;
        loop.previtem = i > 0 ? items[i - 1] : new PyUndefined("", "there is no previous item");
        loop.nextitem = i < length - 1 ? items[i + 1] : new PyUndefined("", "there is no next item");
        loop.cycle = new PyCallable("cycle", (args) => {
          if (args.length === 0) throw new TemplateError("no items for cycling given");
          return args[i % args.length];
        });
        loop.depth = 1;
        loop.depth0 = 0;
        iterScope.vars.set("loop", loop);
        assign(iterScope, items[i]);
        ran = true;
        try {
          body(ctx, iterScope);
        } catch (err) {
          if (err === CONTINUE) continue;
          if (err === BREAK) break;
          throw err;
        }
      }
      if (!ran && otherwise) otherwise(ctx, scope);
    };
  }

  /** Binds a loop/set target (`x` or `a, b`). */
  private assignTarget(target: Node): (scope: Scope, value: unknown) => void {
    if (target.type === "Identifier") {
      const name = (target as IdentifierNode).value;
      if (CONSTANTS.has(name)) throw new TemplateCompileError(`cannot assign to ${name}`);
      return (scope, value) => scope.vars.set(name, value);
    }
    if (target.type === "TupleLiteral") {
      const names = (target as ValueNode<Node[]>).value.map((n) => {
        if (n.type !== "Identifier") throw new TemplateCompileError("can only unpack into names");
        return (n as IdentifierNode).value;
      });
      return (scope, value) => {
        const items = iterate(value);
        if (items.length !== names.length) {
          throw new TemplateError(
            items.length < names.length
              ? `not enough values to unpack (expected ${names.length}, got ${items.length})`
              : `too many values to unpack (expected ${names.length})`,
          );
        }
        names.forEach((name, i) => scope.vars.set(name, items[i]));
      };
    }
    throw new TemplateCompileError(`cannot assign to ${target.type}`);
  }

  private setStatement(node: SetNode, depth: number): Stmt {
    let value: Expr;
    if (node.value) {
      value = this.expr(node.value, depth);
    } else {
      const body = this.block(node.body, depth);
      value = (ctx, scope) => captureOutput(ctx, () => body(ctx, scope));
    }
    if (node.assignee.type === "MemberExpression") {
      const member = node.assignee as MemberNode;
      if (member.computed || member.property.type !== "Identifier") throw new TemplateCompileError("can only assign to namespace attributes");
      const object = this.expr(member.object, depth);
      const attr = (member.property as IdentifierNode).value;
      return (ctx, scope) => {
        const target = object(ctx, scope);
        if (!(target instanceof PyNamespace)) throw new TemplateError("cannot assign attribute on non-namespace object");
        target.attrs.set(attr, value(ctx, scope));
      };
    }
    const assign = this.assignTarget(node.assignee);
    return (ctx, scope) => assign(scope, value(ctx, scope));
  }

  private macro(node: MacroNode, depth: number): Stmt {
    const name = node.name.value;
    const params = node.args.map((arg) => {
      if (arg.type === "Identifier") return { name: (arg as IdentifierNode).value, fallback: undefined as Expr | undefined };
      if (arg.type === "KeywordArgumentExpression") {
        const kw = arg as KeywordArgumentNode;
        const fallback: Expr | undefined = this.expr(kw.value, depth);
        return { name: kw.key.value, fallback };
      }
      throw new TemplateCompileError("invalid macro parameter");
    });
    const outerLoops = this.loopDepth;
    this.loopDepth = 0;
    const body = this.block(node.body, depth);
    this.loopDepth = outerLoops;
    return (ctx, scope) => {
      const fn = new PyCallable(name, (args, kwargs) => {
        if (ctx.macroDepth >= MAX_MACRO_DEPTH) throw new TemplateLimitError("maximum macro recursion depth exceeded");
        if (args.length > params.length) throw new TemplateError(`macro '${name}' takes not more than ${params.length} argument(s)`);
        const macroScope = new Scope(scope);
        const pending = new Map(kwargs);
        params.forEach((param, i) => {
          let value: unknown = i < args.length ? args[i] : pending.get(param.name);
          pending.delete(param.name);
          if (value === undefined) value = param.fallback ? param.fallback(ctx, macroScope) : new PyUndefined(param.name, `'${param.name}' is undefined`);
          macroScope.vars.set(param.name, value);
        });
        if (pending.size > 0) throw new TemplateError(`macro '${name}' takes no keyword argument '${pending.keys().next().value}'`);
        ctx.macroDepth++;
        try {
          return captureOutput(ctx, () => body(ctx, macroScope));
        } finally {
          ctx.macroDepth--;
        }
      });
      scope.vars.set(name, fn);
    };
  }

  private filterStatement(node: FilterStatementNode, depth: number): Stmt {
    const body = this.block(node.body, depth);
    const apply = this.filterCall(node.filter, depth);
    return (ctx, scope) => {
      const text = captureOutput(ctx, () => body(ctx, scope));
      ctx.print(apply(text, ctx, scope));
    };
  }

  // -------------------------------------------------------------------------------------------
  // Expressions

  expr(node: Node, depth: number): Expr {
    if (depth > MAX_AST_DEPTH) throw new TemplateCompileError("template nested too deeply");
    const d = depth + 1;
    switch (node.type) {
      case "IntegerLiteral":
      case "StringLiteral": {
        const value = (node as ValueNode<unknown>).value;
        return () => value;
      }
      case "FloatLiteral": {
        const value = makeFloat((node as ValueNode<number>).value);
        return () => value;
      }
      case "ArrayLiteral":
      case "TupleLiteral": {
        const items = this.exprList((node as ValueNode<Node[]>).value, d);
        const isTuple = node.type === "TupleLiteral";
        return (ctx, scope) => {
          const list = items(ctx, scope);
          return isTuple ? tuple(list) : list;
        };
      }
      case "ObjectLiteral": {
        const pairs = Array.from((node as ValueNode<Map<Node, Node>>).value, ([k, v]) => [this.expr(k, d), this.expr(v, d)] as const);
        return (ctx, scope) => {
          const dict = new PyDict();
          for (const [k, v] of pairs) dict.set(k(ctx, scope), v(ctx, scope));
          return dict;
        };
      }
      case "Identifier":
        return this.identifier((node as IdentifierNode).value);
      case "MemberExpression":
        return this.member(node as MemberNode, d);
      case "CallExpression":
        return this.call(node as CallNode, d);
      case "BinaryExpression":
        return this.binary(node as BinaryNode, d);
      case "UnaryExpression":
        return this.unary(node as UnaryNode, d);
      case "FilterExpression": {
        const f = node as FilterNode;
        const operand = this.expr(f.operand, d);
        const apply = this.filterCall(f.filter, d);
        return (ctx, scope) => apply(operand(ctx, scope), ctx, scope);
      }
      case "TestExpression":
        return this.test(node as TestNode, d);
      case "Ternary": {
        const t = node as TernaryNode;
        const cond = this.expr(t.condition, d);
        const yes = this.expr(t.trueExpr, d);
        const no = this.expr(t.falseExpr, d);
        return (ctx, scope) => (truthy(cond(ctx, scope)) ? yes(ctx, scope) : no(ctx, scope));
      }
      case "SelectExpression": {
        // `x if cond` without else: Undefined when false.
        const s = node as SelectNode;
        const lhs = this.expr(s.lhs, d);
        const test = this.expr(s.test, d);
        return (ctx, scope) => (truthy(test(ctx, scope)) ? lhs(ctx, scope) : new PyUndefined("", "the inline if-expression on line 1 evaluated to false and no else section was defined."));
      }
      default:
        throw new TemplateCompileError(`unsupported expression: ${node.type}`);
    }
  }

  private exprList(nodes: Node[], depth: number): (ctx: RenderContext, scope: Scope) => unknown[] {
    const parts = nodes.map((n) => {
      if (n.type === "SpreadExpression") {
        const inner = this.expr((n as SpreadNode).argument, depth);
        return { spread: true, fn: inner };
      }
      return { spread: false, fn: this.expr(n, depth) };
    });
    return (ctx, scope) => {
      const out: unknown[] = [];
      for (const part of parts) {
        if (part.spread) out.push(...iterate(part.fn(ctx, scope)));
        else out.push(part.fn(ctx, scope));
      }
      return out;
    };
  }

  private identifier(name: string): Expr {
    if (CONSTANTS.has(name)) {
      const value = CONSTANTS.get(name);
      return () => value;
    }
    const globals = this.env.globals;
    return (ctx, scope) => {
      const local = scope.lookup(name);
      if (local !== NOT_FOUND) return local;
      const vars = ctx.vars;
      if (Object.hasOwn(vars, name)) {
        const value = vars[name];
        if (value !== undefined) return value;
      }
      if (globals.has(name)) return globals.get(name);
      return new PyUndefined(name, `'${name}' is undefined`);
    };
  }

  private member(node: MemberNode, depth: number): Expr {
    const object = this.expr(node.object, depth);
    if (node.computed) {
      if (node.property.type === "SliceExpression") {
        const s = node.property as SliceNode;
        const start = s.start ? this.expr(s.start, depth) : undefined;
        const stop = s.stop ? this.expr(s.stop, depth) : undefined;
        const step = s.step ? this.expr(s.step, depth) : undefined;
        return (ctx, scope) => {
          const target = object(ctx, scope);
          return sliceValue(target, start?.(ctx, scope), stop?.(ctx, scope), step?.(ctx, scope));
        };
      }
      const key = this.expr(node.property, depth);
      return (ctx, scope) => getItem(object(ctx, scope), key(ctx, scope), ctx);
    }
    if (node.property.type === "IntegerLiteral") {
      // `value_json.list.0` is a subscript in Jinja2.
      const index = (node.property as ValueNode<number>).value;
      return (ctx, scope) => getItem(object(ctx, scope), index, ctx);
    }
    const name = (node.property as IdentifierNode).value;
    return (ctx, scope) => getAttr(object(ctx, scope), name, ctx);
  }

  private args(nodes: Node[], depth: number): (ctx: RenderContext, scope: Scope) => { args: unknown[]; kwargs: Kwargs } {
    const positional: Node[] = [];
    const keyword: [string, Expr][] = [];
    let kwSpread: Expr | undefined;
    for (const n of nodes) {
      if (n.type === "KeywordArgumentExpression") keyword.push([(n as KeywordArgumentNode).key.value, this.expr((n as KeywordArgumentNode).value, depth)]);
      else if (n.type === "KeywordSpreadExpression") kwSpread = this.expr((n as SpreadNode).argument, depth);
      else positional.push(n);
    }
    const pos = this.exprList(positional, depth);
    if (keyword.length === 0 && !kwSpread) {
      return (ctx, scope) => ({ args: pos(ctx, scope), kwargs: NO_KWARGS });
    }
    return (ctx, scope) => {
      const args = pos(ctx, scope);
      const kwargs = new Map<string, unknown>();
      for (const [k, v] of keyword) kwargs.set(k, v(ctx, scope));
      if (kwSpread) {
        const extra = kwSpread(ctx, scope);
        if (!isDict(extra)) throw new TemplateError("argument after ** must be a mapping");
        for (const [k, v] of dictItems(extra)) {
          if (typeof k !== "string") throw new TemplateError("keywords must be strings");
          if (kwargs.has(k)) throw new TemplateError(`got multiple values for keyword argument '${k}'`);
          kwargs.set(k, v);
        }
      }
      return { args, kwargs };
    };
  }

  private call(node: CallNode, depth: number): Expr {
    const callee = this.expr(node.callee, depth);
    const args = this.args(node.args, depth);
    return (ctx, scope) => {
      const fn = callee(ctx, scope);
      const a = args(ctx, scope);
      ctx.tick();
      return callValue(fn, a.args, a.kwargs);
    };
  }

  /** Compiles the right-hand side of `|`: `name` or `name(args)`. */
  private filterCall(node: Node, depth: number): (value: unknown, ctx: RenderContext, scope: Scope) => unknown {
    let name: string;
    let args: ((ctx: RenderContext, scope: Scope) => { args: unknown[]; kwargs: Kwargs }) | undefined;
    if (node.type === "Identifier") {
      name = (node as IdentifierNode).value;
    } else if (node.type === "CallExpression" && (node as CallNode).callee.type === "Identifier") {
      name = ((node as CallNode).callee as IdentifierNode).value;
      args = this.args((node as CallNode).args, depth);
    } else {
      throw new TemplateCompileError("invalid filter");
    }
    const filter = this.env.filters.get(name);
    if (!filter) throw new TemplateCompileError(`No filter named '${name}'.`);
    if (!args) {
      return (value, ctx) => {
        ctx.tick();
        return filter(value, [], NO_KWARGS, ctx);
      };
    }
    const argFn = args;
    return (value, ctx, scope) => {
      const a = argFn(ctx, scope);
      ctx.tick();
      return filter(value, a.args, a.kwargs, ctx);
    };
  }

  private test(node: TestNode, depth: number): Expr {
    const name = node.test.value;
    const test = this.env.tests.get(name);
    if (!test) throw new TemplateCompileError(`No test named '${name}'.`);
    const operand = this.expr(node.operand, depth);
    const negate = node.negate;
    return (ctx, scope) => test(operand(ctx, scope), [], ctx) !== negate;
  }

  private unary(node: UnaryNode, depth: number): Expr {
    const arg = this.expr(node.argument, depth);
    switch (node.operator.value) {
      case "not":
        return (ctx, scope) => !truthy(arg(ctx, scope));
      case "-":
      case "+": {
        const negate = node.operator.value === "-";
        return (ctx, scope) => {
          const v = arg(ctx, scope);
          if (v instanceof PyUndefined) throw new TemplateError(v.hint);
          if (!isNumberLike(v)) throw new TemplateError(`bad operand type for unary ${node.operator.value}: '${typeName(v)}'`);
          const n = numValue(v);
          const result = negate ? -n : n;
          return v instanceof PyFloat || (typeof v === "number" && !Number.isInteger(v)) ? makeFloat(result) : negate && result === 0 ? 0 : result;
        };
      }
      default:
        throw new TemplateCompileError(`unknown unary operator ${node.operator.value}`);
    }
  }

  /** `a < b < c`: each operand evaluated once, false at the first failing comparison. */
  private comparisonChain(node: BinaryNode, depth: number): Expr {
    const ops: string[] = [];
    const operands: Node[] = [];
    let current: Node = node;
    while (current.type === "BinaryExpression" && isChainedComparison((current as BinaryNode).operator)) {
      ops.unshift((current as BinaryNode).operator.value);
      operands.unshift((current as BinaryNode).right);
      current = (current as BinaryNode).left;
    }
    if (current.type !== "BinaryExpression" || !COMPARISONS.has((current as BinaryNode).operator.value)) {
      throw new TemplateCompileError("malformed comparison chain");
    }
    ops.unshift((current as BinaryNode).operator.value);
    operands.unshift((current as BinaryNode).left, (current as BinaryNode).right);
    const exprs = operands.map((operand) => this.expr(operand, depth));
    return (ctx, scope) => {
      let left = (exprs[0] as Expr)(ctx, scope);
      for (let i = 0; i < ops.length; i++) {
        const right = (exprs[i + 1] as Expr)(ctx, scope);
        if (!compare(ops[i] as string, left, right)) return false;
        left = right;
      }
      return true;
    };
  }

  private binary(node: BinaryNode, depth: number): Expr {
    if (isChainedComparison(node.operator)) return this.comparisonChain(node, depth);
    const left = this.expr(node.left, depth);
    const right = this.expr(node.right, depth);
    const op = node.operator.value;
    switch (op) {
      case "and":
        return (ctx, scope) => {
          const l = left(ctx, scope);
          return truthy(l) ? right(ctx, scope) : l;
        };
      case "or":
        return (ctx, scope) => {
          const l = left(ctx, scope);
          return truthy(l) ? l : right(ctx, scope);
        };
      case "==":
        return (ctx, scope) => pyEquals(left(ctx, scope), right(ctx, scope));
      case "!=":
        return (ctx, scope) => !pyEquals(left(ctx, scope), right(ctx, scope));
      case "<":
        return (ctx, scope) => pyCompare(left(ctx, scope), right(ctx, scope), op) < 0;
      case ">":
        return (ctx, scope) => pyCompare(left(ctx, scope), right(ctx, scope), op) > 0;
      case "<=":
        return (ctx, scope) => pyCompare(left(ctx, scope), right(ctx, scope), op) <= 0;
      case ">=":
        return (ctx, scope) => pyCompare(left(ctx, scope), right(ctx, scope), op) >= 0;
      case "in":
        return (ctx, scope) => contains(right(ctx, scope), left(ctx, scope));
      case "not in":
        return (ctx, scope) => !contains(right(ctx, scope), left(ctx, scope));
      case "~":
        return (ctx, scope) => {
          const lv = left(ctx, scope);
          const rv = right(ctx, scope);
          if (lv instanceof PyUndefined) ctx.noteUndefined(lv);
          if (rv instanceof PyUndefined) ctx.noteUndefined(rv);
          const l = pyStr(lv);
          const r = pyStr(rv);
          checkStringLength(l.length + r.length);
          return l + r;
        };
      case "+":
      case "-":
      case "*":
      case "/":
      case "//":
      case "%":
      case "**":
        return (ctx, scope) => arithmetic(op, left(ctx, scope), right(ctx, scope));
      default:
        throw new TemplateCompileError(`unknown operator ${op}`);
    }
  }
}

const COMPARISONS = new Set(["==", "!=", "<", ">", "<=", ">=", "in", "not in"]);

/** One Python comparison. */
function compare(op: string, left: unknown, right: unknown): boolean {
  switch (op) {
    case "==":
      return pyEquals(left, right);
    case "!=":
      return !pyEquals(left, right);
    case "<":
      return pyCompare(left, right, op) < 0;
    case ">":
      return pyCompare(left, right, op) > 0;
    case "<=":
      return pyCompare(left, right, op) <= 0;
    case ">=":
      return pyCompare(left, right, op) >= 0;
    case "in":
      return contains(right, left);
    case "not in":
      return !contains(right, left);
    default:
      throw new TemplateError(`unknown comparison ${op}`);
  }
}

/** Renders `body` into a separate buffer and returns the text. */
function captureOutput(ctx: RenderContext, body: () => void): string {
  const saved = ctx.out;
  ctx.out = "";
  try {
    body();
    return ctx.out;
  } finally {
    ctx.out = saved;
  }
}

export function callValue(fn: unknown, args: unknown[], kwargs: Kwargs): unknown {
  if (fn instanceof PyCallable) return fn.call(args, kwargs);
  if (fn instanceof PyUndefined) throw new TemplateError(fn.hint);
  throw new TemplateError(`'${typeName(fn)}' object is not callable`);
}

/** Python `needle in haystack`. */
export function contains(haystack: unknown, needle: unknown): boolean {
  if (typeof haystack === "string") {
    if (typeof needle !== "string") {
      if (needle instanceof PyUndefined) return haystack.includes("");
      throw new TemplateError(`'in <string>' requires string as left operand, not ${typeName(needle)}`);
    }
    return haystack.includes(needle);
  }
  if (Array.isArray(haystack)) return haystack.some((item) => pyEquals(item, needle));
  if (isDict(haystack)) {
    if (Array.isArray(needle) && !TUPLES.has(needle)) throw new TemplateError("unhashable type: 'list'");
    return dictHas(haystack, needle);
  }
  if (haystack instanceof PyUndefined || haystack === undefined) return false;
  if (haystack instanceof PyNamespace) throw new TemplateError("argument of type 'Namespace' is not iterable");
  throw new TemplateError(`argument of type '${typeName(haystack)}' is not iterable`);
}

function isFloatValue(value: unknown): boolean {
  return value instanceof PyFloat || (typeof value === "number" && !Number.isInteger(value));
}

/** Python arithmetic on template values. */
export function arithmetic(op: string, a: unknown, b: unknown): unknown {
  if (a instanceof PyUndefined) throw new TemplateError(a.hint);
  if (b instanceof PyUndefined) throw new TemplateError(b.hint);
  if (a === undefined || b === undefined) throw new TemplateError("undefined value in arithmetic");
  if (isNumberLike(a) && isNumberLike(b)) return numericOp(op, a, b);
  switch (op) {
    case "+":
      if (typeof a === "string" && typeof b === "string") {
        checkStringLength(a.length + b.length);
        return a + b;
      }
      if (Array.isArray(a) && Array.isArray(b) && TUPLES.has(a) === TUPLES.has(b)) {
        checkListLength(a.length + b.length);
        const joined = a.concat(b);
        return TUPLES.has(a) ? tuple(joined) : joined;
      }
      if (a instanceof PyDateTime && b instanceof PyTimedelta) return new PyDateTime(a.epochMs + b.ms, a.offsetMinutes);
      if (a instanceof PyTimedelta && b instanceof PyDateTime) return new PyDateTime(b.epochMs + a.ms, b.offsetMinutes);
      if (a instanceof PyTimedelta && b instanceof PyTimedelta) return new PyTimedelta(a.ms + b.ms);
      break;
    case "-":
      if (a instanceof PyDateTime && b instanceof PyTimedelta) return new PyDateTime(a.epochMs - b.ms, a.offsetMinutes);
      if (a instanceof PyDateTime && b instanceof PyDateTime) return new PyTimedelta(a.epochMs - b.epochMs);
      if (a instanceof PyTimedelta && b instanceof PyTimedelta) return new PyTimedelta(a.ms - b.ms);
      break;
    case "*": {
      const [seq, count] = typeof a === "string" || Array.isArray(a) ? [a, b] : [b, a];
      if ((typeof seq === "string" || Array.isArray(seq)) && (typeof count === "number" || typeof count === "boolean") && Number.isInteger(numValue(count))) {
        const n = Math.max(0, numValue(count));
        if (typeof seq === "string") {
          checkStringLength(seq.length * n);
          return seq.repeat(n);
        }
        checkListLength(seq.length * n);
        const out: unknown[] = [];
        for (let i = 0; i < n; i++) for (const item of seq as unknown[]) out.push(item);
        return TUPLES.has(seq) ? tuple(out) : out;
      }
      if (a instanceof PyTimedelta && isNumberLike(b)) return new PyTimedelta(a.ms * numValue(b));
      break;
    }
    case "%":
      if (typeof a === "string") return percentFormat(a, b);
      break;
    case "/":
      if (a instanceof PyTimedelta && isNumberLike(b)) return new PyTimedelta(a.ms / numValue(b));
      break;
    default:
      break;
  }
  const symbol = op === "**" ? "** or pow()" : op;
  if (op === "+" && typeof a === "string") throw new TemplateError(`can only concatenate str (not "${typeName(b)}") to str`);
  throw new TemplateError(`unsupported operand type(s) for ${symbol}: '${typeName(a)}' and '${typeName(b)}'`);
}

function numericOp(op: string, a: number | PyFloat | boolean, b: number | PyFloat | boolean): unknown {
  const x = numValue(a);
  const y = numValue(b);
  const float = isFloatValue(a) || isFloatValue(b);
  const result = (value: number): unknown => (float ? makeFloat(value) : value);
  switch (op) {
    case "+":
      return result(x + y);
    case "-":
      return result(x - y);
    case "*":
      return result(x * y);
    case "/":
      if (y === 0) throw new TemplateError(float ? "float division by zero" : "division by zero");
      return makeFloat(x / y);
    case "//":
      if (y === 0) throw new TemplateError(float ? "float floor division by zero" : "integer division or modulo by zero");
      return result(Math.floor(x / y));
    case "%": {
      if (y === 0) throw new TemplateError(float ? "float modulo" : "integer modulo by zero");
      let mod = x % y;
      if (mod !== 0 && mod < 0 !== y < 0) mod += y;
      return result(mod);
    }
    case "**": {
      if (x === 0 && y < 0) throw new TemplateError("0.0 cannot be raised to a negative power");
      const value = x ** y;
      if (Number.isNaN(value)) throw new TemplateError("negative number cannot be raised to a fractional power");
      if (!float && y >= 0) {
        if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER * 2 ** 20) throw new TemplateLimitError("integer result too large");
        return value;
      }
      if (!Number.isFinite(value)) throw new TemplateError("(34, 'Numerical result out of range')");
      return makeFloat(value);
    }
    default:
      throw new TemplateError(`unsupported operator ${op}`);
  }
}

