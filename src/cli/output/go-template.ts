// An interpreter for the subset of Go's text/template that Docker users write in --format,
// with Go's builtins and the functions the Docker CLI adds (json, split, join, title, lower,
// upper, pad, truncate). Output and error texts match Go's so that scripts written against
// the docker CLI keep working.
//
// Data model (what Go would see after decoding JSON into interface{} values):
//   - a property that is a function is a method: `.ID` calls it with no arguments, `.Label "x"`
//     with arguments (arity is Function.length). Docker's formatter contexts are built this way.
//   - a JS Map is a Go map: a missing key yields <no value> (or, with missingKey 'map-error',
//     Go's "map has no entry for key").
//   - a plain object is a struct or a map depending on ExecuteOptions.missingKey: the default
//     'field-error' reports a missing field like a struct does ("can't evaluate field X in type
//     T"), 'no-value' and 'map-error' treat it as a map. Class instances are always structs.
//   - printing follows fmt's %v: null is <no value> at top level and <nil> inside containers,
//     maps (Map and plain objects) print as map[k:v] with sorted keys, arrays as [a b].
//
// Example:
//   const t = GoTemplate.parse('{{range .Names}}{{upper .}} {{end}}');
//   t.execute({ Names: ['a', 'b'] });  // 'A B '

import { goQuote } from '../../util/go-format.js';
import { goJson } from './go-json.js';
import {
  formatGoValue,
  goSprint,
  goSprintf,
  goSprintln,
  goTypeName,
  isIntegral,
  isPlainObject,
  sortedEntries,
} from './go-sprintf.js';
import {
  location,
  nodeString,
  parseGoTemplate,
  type ArgNode,
  type BranchNode,
  type ChainNode,
  type CommandNode,
  type FieldNode,
  type IdentifierNode,
  type NumberNode,
  type ParsedTemplate,
  type PipeNode,
  type TemplateCallNode,
  type TemplateNode,
  type VariableNode,
} from './parse-go-template.js';
import { TemplateError } from './template-error.js';

/** Parameter types a template function declares; arguments are checked against them as Go does. */
export type GoParamType = 'any' | 'string' | 'int' | 'bool';

/** A function callable from templates, with the signature Go would check arguments against. */
export interface TemplateFunc {
  readonly params: readonly GoParamType[];
  /** Type of further arguments, for a variadic function. */
  readonly variadic?: GoParamType;
  /** Throwing from fn reports `error calling <name>: <message>`. */
  readonly fn: (...args: never[]) => unknown;
}

export function templateFunc(
  params: readonly GoParamType[],
  fn: (...args: never[]) => unknown,
  variadic?: GoParamType,
): TemplateFunc {
  return variadic === undefined ? { params, fn } : { params, fn, variadic };
}

export type MissingKeyMode = 'field-error' | 'no-value' | 'map-error';

export interface ParseOptions {
  /** The template's name, shown in errors (`template: NAME:1: …`); Docker uses "". */
  readonly name?: string;
  /** Functions added to (or replacing) the builtin and Docker ones. */
  readonly funcs?: Readonly<Record<string, TemplateFunc>>;
}

export interface ExecuteOptions {
  /** How `.Key` treats a plain object without that key; see the file comment. */
  readonly missingKey?: MissingKeyMode;
  /** Replaces functions by name for this execution (as Go's Funcs after Parse). */
  readonly funcs?: Readonly<Record<string, TemplateFunc>>;
  /** Names an object's type in "can't evaluate field X in type T"; undefined falls back to Go-ish names. */
  readonly typeName?: (value: object) => string | undefined;
}

// The value piped into a command becomes its last argument. MISSING means nothing was
// piped, which is not the same as a piped nil.
const MISSING: unique symbol = Symbol('missing');
type Final = unknown;

function isNil(v: unknown): v is null | undefined {
  return v === null || v === undefined;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** Go's notion of truth for if/with/and/or/not. */
export function goTruth(v: unknown): boolean {
  if (isNil(v)) return false;
  switch (typeof v) {
    case 'string':
      return v.length > 0;
    case 'number':
      return v !== 0;
    case 'bigint':
      return v !== 0n;
    case 'boolean':
      return v;
    case 'function':
      return true;
    default:
      break;
  }
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  if (isPlainObject(v)) return Object.keys(v).length > 0;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Builtins.

type Kind = 'nil' | 'bool' | 'number' | 'string' | 'other';

function kindOf(v: unknown): Kind {
  if (isNil(v)) return 'nil';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'number':
    case 'bigint':
      return 'number';
    case 'string':
      return 'string';
    default:
      return 'other';
  }
}

function isComparable(v: unknown): boolean {
  return !(Array.isArray(v) || v instanceof Map || isPlainObject(v) || typeof v === 'function');
}

function compareStrings(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

// Ints and floats compare by value: JS cannot tell 2 from 2.0, so Go's int/float mismatch
// error would fire on data the user cannot see as different.
function eq(arg1: unknown, ...rest: unknown[]): boolean {
  if (rest.length === 0) throw new Error('missing argument for comparison');
  const k1 = kindOf(arg1);
  for (const arg of rest) {
    const k2 = kindOf(arg);
    let truth = false;
    if (k1 !== k2) {
      if (k1 !== 'nil' && k2 !== 'nil') throw new Error('incompatible types for comparison');
    } else if (k1 === 'nil') {
      truth = true;
    } else if (k1 === 'other') {
      if (!isComparable(arg)) throw new Error(`non-comparable type ${formatGoValue(arg)}: ${goTypeName(arg)}`);
      if (!isComparable(arg1)) throw new Error(`non-comparable type ${formatGoValue(arg1)}: ${goTypeName(arg1)}`);
      truth = arg1 === arg;
    } else {
      truth = k1 === 'number' ? Number(arg1) === Number(arg) : arg1 === arg;
    }
    if (truth) return true;
  }
  return false;
}

function lt(a: unknown, b: unknown): boolean {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka === 'nil' || ka === 'other' || kb === 'nil' || kb === 'other') throw new Error('invalid type for comparison');
  if (ka !== kb) throw new Error('incompatible types for comparison');
  if (ka === 'bool') throw new Error('invalid type for comparison');
  if (ka === 'string') return compareStrings(String(a), String(b)) < 0;
  return Number(a) < Number(b);
}

function length(v: unknown): number {
  if (isNil(v)) throw new Error('len of nil pointer');
  if (typeof v === 'string') return textEncoder.encode(v).length;
  if (Array.isArray(v)) return v.length;
  if (v instanceof Map) return v.size;
  if (isPlainObject(v)) return Object.keys(v).length;
  throw new Error(`len of type ${goTypeName(v)}`);
}

function indexArg(index: unknown, cap: number): number {
  if (isNil(index)) throw new Error('cannot index slice/array with nil');
  if (!((typeof index === 'number' && isIntegral(index)) || typeof index === 'bigint')) {
    throw new Error(`cannot index slice/array with type ${goTypeName(index)}`);
  }
  const x = Number(index);
  if (x < 0 || x > cap) throw new Error(`index out of range: ${x}`);
  return x;
}

function index(item: unknown, ...indexes: unknown[]): unknown {
  if (isNil(item)) throw new Error('index of untyped nil');
  let cur: unknown = item;
  for (const idx of indexes) {
    if (isNil(cur)) throw new Error('index of nil pointer');
    if (typeof cur === 'string' || Array.isArray(cur)) {
      const seq = typeof cur === 'string' ? textEncoder.encode(cur) : cur;
      const x = indexArg(idx, seq.length);
      if (x === seq.length) throw new Error(`index out of range: ${x}`);
      cur = seq[x];
    } else if (cur instanceof Map) {
      cur = cur.get(idx);
    } else if (isPlainObject(cur)) {
      if (isNil(idx)) throw new Error('value is nil; should be of type string');
      if (typeof idx !== 'string') throw new Error(`value has type ${goTypeName(idx)}; should be string`);
      cur = Object.hasOwn(cur, idx) ? cur[idx] : undefined;
    } else {
      throw new Error(`can't index item of type ${goTypeName(cur)}`);
    }
  }
  return cur;
}

function slice(item: unknown, ...indexes: unknown[]): unknown {
  if (isNil(item)) throw new Error('slice of untyped nil');
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  let bytes: Uint8Array | undefined;
  let len: number;
  if (typeof item === 'string') {
    if (indexes.length === 3) throw new Error('cannot 3-index slice a string');
    bytes = textEncoder.encode(item);
    len = bytes.length;
  } else if (Array.isArray(item)) {
    len = item.length;
  } else {
    throw new Error(`can't slice item of type ${goTypeName(item)}`);
  }
  const idx = [0, len, len];
  indexes.forEach((x, i) => {
    idx[i] = indexArg(x, len);
  });
  const [i = 0, j = len, k = len] = idx;
  if (i > j) throw new Error(`invalid slice index: ${i} > ${j}`);
  if (indexes.length === 3 && j > k) throw new Error(`invalid slice index: ${j} > ${k}`);
  if (bytes) return textDecoder.decode(bytes.subarray(i, j));
  return (item as unknown[]).slice(i, j);
}

/** Arguments of html/js/urlquery: one string as is, anything else through fmt.Sprint. */
function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return goSprint(args);
}

function htmlEscape(s: string): string {
  return s.replace(/["'&<>\0]/g, (c) =>
    c === '"' ? '&#34;' : c === "'" ? '&#39;' : c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '\ufffd',
  );
}

const jsSpecial: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '<': '\\u003C',
  '>': '\\u003E',
  '&': '\\u0026',
  '=': '\\u003D',
};
const printableRune = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const special = jsSpecial[ch];
    const cp = ch.codePointAt(0) ?? 0;
    if (special !== undefined) out += special;
    else if (cp < 0x20) out += `\\u00${cp.toString(16).toUpperCase().padStart(2, '0')}`;
    else if (cp < 0x80 || printableRune.test(ch)) out += ch;
    else out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return out;
}

function urlQueryEscape(s: string): string {
  let out = '';
  for (const b of textEncoder.encode(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** strings.Title: upper-cases the first letter of each word. */
function title(s: string): string {
  const isSeparator = (ch: string): boolean => {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp <= 0x7f) return !/[0-9A-Za-z_]/.test(ch);
    if (/[\p{L}\p{Nd}]/u.test(ch)) return false;
    return /\s/u.test(ch);
  };
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    out += isSeparator(prev) ? ch.toUpperCase() : ch;
    prev = ch;
  }
  return out;
}

function split(s: string, sep: string): string[] {
  return sep === '' ? Array.from(s) : s.split(sep);
}

function join(elems: unknown, sep: string): string {
  if (isNil(elems)) return '';
  if (Array.isArray(elems)) return elems.map((e) => formatGoValue(e)).join(sep);
  if (elems instanceof Map || isPlainObject(elems)) {
    const values = sortedEntries(elems as Map<unknown, unknown> | Record<string, unknown>).map(([, v]) => formatGoValue(v));
    return values.sort((a, b) => compareStrings(a, b)).join(sep);
  }
  throw new Error(`expected slice, got ${goTypeName(elems)}`);
}

function pad(s: string, prefix: number, suffix: number): string {
  if (s === '') return s;
  if (prefix < 0 || suffix < 0) throw new Error('strings: negative Repeat count');
  return ' '.repeat(prefix) + s + ' '.repeat(suffix);
}

function truncate(s: string, n: number): string {
  const bytes = textEncoder.encode(s);
  if (bytes.length < n) return s;
  if (n < 0) throw new Error(`runtime error: slice bounds out of range [:${n}]`);
  return textDecoder.decode(bytes.subarray(0, n));
}

function call(name: string, fn: unknown, ...args: unknown[]): unknown {
  if (isNil(fn)) throw new Error('call of nil');
  if (typeof fn !== 'function') throw new Error(`non-function ${name} of type ${goTypeName(fn)}`);
  if (fn.length !== args.length) throw new Error(`wrong number of args for ${name}: got ${args.length} want ${fn.length}`);
  return (fn as (...a: unknown[]) => unknown)(...args);
}

// and/or evaluate lazily and call uses the callee's source text; execution special-cases them.
const andFunc = templateFunc(['any'], () => undefined, 'any');
const orFunc = templateFunc(['any'], () => undefined, 'any');
const callFunc = templateFunc(['any'], call, 'any');

const builtinFuncs: Readonly<Record<string, TemplateFunc>> = {
  and: andFunc,
  or: orFunc,
  call: callFunc,
  not: templateFunc(['any'], (v: unknown) => !goTruth(v)),
  len: templateFunc(['any'], length),
  index: templateFunc(['any'], index, 'any'),
  slice: templateFunc(['any'], slice, 'any'),
  print: templateFunc([], (...a: unknown[]) => goSprint(a), 'any'),
  println: templateFunc([], (...a: unknown[]) => goSprintln(a), 'any'),
  printf: templateFunc(['string'], (f: string, ...a: unknown[]) => goSprintf(f, a), 'any'),
  html: templateFunc([], (...a: unknown[]) => htmlEscape(evalArgs(a)), 'any'),
  js: templateFunc([], (...a: unknown[]) => jsEscape(evalArgs(a)), 'any'),
  urlquery: templateFunc([], (...a: unknown[]) => urlQueryEscape(evalArgs(a)), 'any'),
  eq: templateFunc(['any'], eq, 'any'),
  ne: templateFunc(['any', 'any'], (a: unknown, b: unknown) => !eq(a, b)),
  lt: templateFunc(['any', 'any'], lt),
  le: templateFunc(['any', 'any'], (a: unknown, b: unknown) => lt(a, b) || eq(a, b)),
  gt: templateFunc(['any', 'any'], (a: unknown, b: unknown) => !(lt(a, b) || eq(a, b))),
  ge: templateFunc(['any', 'any'], (a: unknown, b: unknown) => !lt(a, b)),
};

/** The functions docker/cli's templates package adds to every template. */
export const dockerTemplateFuncs: Readonly<Record<string, TemplateFunc>> = {
  json: templateFunc(['any'], (v: unknown) => goJson(v, { escapeHtml: false })),
  split: templateFunc(['string', 'string'], split),
  join: templateFunc(['any', 'string'], join),
  title: templateFunc(['string'], title),
  lower: templateFunc(['string'], (s: string) => s.toLowerCase()),
  upper: templateFunc(['string'], (s: string) => s.toUpperCase()),
  pad: templateFunc(['string', 'int', 'int'], pad),
  truncate: templateFunc(['string', 'int'], truncate),
};

// ---------------------------------------------------------------------------------------------
// Execution.

const maxExecDepth = 1000;

type WalkResult = 'break' | 'continue' | undefined;

interface Variable {
  readonly name: string;
  value: unknown;
}

class ExecState {
  private vars: Variable[];
  private node: ArgNode | CommandNode | TemplateNode | undefined;
  private execName: string;
  private depth = 0;
  private readonly missingKey: MissingKeyMode;

  constructor(
    private readonly tmpl: ParsedTemplate,
    private readonly funcs: ReadonlyMap<string, TemplateFunc>,
    private readonly write: (chunk: string) => void,
    private readonly opts: ExecuteOptions,
    data: unknown,
  ) {
    this.vars = [{ name: '$', value: data }];
    this.execName = tmpl.name;
    this.missingKey = opts.missingKey ?? 'field-error';
  }

  private at(node: ArgNode | CommandNode | TemplateNode): void {
    this.node = node;
  }

  private errorf(message: string): never {
    const name = this.execName;
    if (!this.node) throw new TemplateError('exec', `template: ${name}: ${message}`);
    const { line, col } = location(this.tmpl.source, this.node.pos);
    throw new TemplateError(
      'exec',
      `template: ${this.tmpl.name}:${line}:${col}: executing ${goQuote(name)} at <${nodeString(this.node)}>: ${message}`,
    );
  }

  private typeName(v: unknown): string {
    if (typeof v === 'object' && v !== null) return this.opts.typeName?.(v) ?? goTypeName(v);
    return goTypeName(v);
  }

  // Variables ----------------------------------------------------------------------------------

  private push(name: string, value: unknown): void {
    this.vars.push({ name, value });
  }

  private find(name: string): Variable {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i];
      if (v && v.name === name) return v;
    }
    this.errorf(`undefined variable: ${name}`);
  }

  private setTopVar(n: number, value: unknown): void {
    const v = this.vars[this.vars.length - n];
    if (v) v.value = value;
  }

  // Walking ------------------------------------------------------------------------------------

  walk(dot: unknown, node: TemplateNode): WalkResult {
    switch (node.type) {
      case 'text':
        this.write(node.text);
        return undefined;
      case 'action': {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return undefined;
      }
      case 'if':
      case 'with':
        return this.walkIfOrWith(dot, node);
      case 'range':
        return this.walkRange(dot, node);
      case 'list':
        for (const n of node.nodes) {
          const r = this.walk(dot, n);
          if (r) return r;
        }
        return undefined;
      case 'break':
      case 'continue':
        return node.type;
      case 'template':
        this.walkTemplate(dot, node);
        return undefined;
    }
  }

  private printValue(node: TemplateNode, v: unknown): void {
    this.at(node);
    if (typeof v === 'function') this.errorf(`can't print ${nodeString(node)} of type func()`);
    this.write(isNil(v) ? '<no value>' : formatGoValue(v));
  }

  private walkIfOrWith(dot: unknown, node: BranchNode): WalkResult {
    const mark = this.vars.length;
    try {
      const val = this.evalPipeline(dot, node.pipe);
      if (goTruth(val)) return this.walk(node.type === 'with' ? val : dot, node.list);
      if (node.elseList) return this.walk(dot, node.elseList);
      return undefined;
    } finally {
      this.vars.length = mark;
    }
  }

  private walkRange(dot: unknown, node: BranchNode): WalkResult {
    this.at(node);
    const outerMark = this.vars.length;
    try {
      const val = this.evalPipeline(dot, node.pipe);
      const mark = this.vars.length;
      const { decl, isAssign } = node.pipe;
      const oneIteration = (idx: unknown, elem: unknown): boolean => {
        if (decl.length > 0) {
          if (isAssign) this.find(decl[0]?.idents[0] ?? '').value = decl.length > 1 ? idx : elem;
          else this.setTopVar(1, elem);
        }
        if (decl.length > 1) {
          if (isAssign) this.find(decl[1]?.idents[0] ?? '').value = elem;
          else this.setTopVar(2, idx);
        }
        try {
          return this.walk(elem, node.list) === 'break';
        } finally {
          this.vars.length = mark;
        }
      };
      let ran = false;
      if (Array.isArray(val)) {
        for (let i = 0; i < val.length; i++) {
          ran = true;
          if (oneIteration(i, val[i])) break;
        }
      } else if (val instanceof Map || isPlainObject(val)) {
        for (const [k, v] of sortedEntries(val)) {
          ran = true;
          if (oneIteration(k, v)) break;
        }
      } else if ((typeof val === 'number' && isIntegral(val)) || typeof val === 'bigint') {
        if (decl.length > 1) this.errorf(`can't use ${formatGoValue(val)} to iterate over more than one variable`);
        const n = Number(val);
        for (let i = 0; i < n; i++) {
          ran = true;
          if (oneIteration(i, i)) break;
        }
      } else if (!isNil(val)) {
        this.errorf(`range can't iterate over ${formatGoValue(val)}`);
      }
      if (!ran && node.elseList) return this.walk(dot, node.elseList);
      return undefined;
    } finally {
      this.vars.length = outerMark;
    }
  }

  private walkTemplate(dot: unknown, node: TemplateCallNode): void {
    this.at(node);
    const tree = this.tmpl.defined.get(node.name);
    if (!tree) this.errorf(`template ${goQuote(node.name)} not defined`);
    if (this.depth >= maxExecDepth) this.errorf(`exceeded maximum template depth (${maxExecDepth})`);
    const newDot = node.pipe ? this.evalPipeline(dot, node.pipe) : undefined;
    // A called template sees no variables of its caller.
    const saved = { vars: this.vars, execName: this.execName };
    this.vars = [{ name: '$', value: newDot }];
    this.execName = node.name;
    this.depth++;
    try {
      this.walk(newDot, tree);
    } finally {
      this.depth--;
      this.vars = saved.vars;
      this.execName = saved.execName;
    }
  }

  // Evaluation ---------------------------------------------------------------------------------

  private evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    this.at(pipe);
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) value = this.evalCommand(dot, cmd, value);
    for (const v of pipe.decl) {
      const name = v.idents[0] ?? '';
      if (pipe.isAssign) this.find(name).value = value;
      else this.push(name, value);
    }
    return value;
  }

  private notAFunction(args: readonly ArgNode[] | undefined, final: Final): void {
    const first = args?.[0];
    if (first && (args.length > 1 || final !== MISSING)) {
      this.errorf(`can't give argument to non-function ${nodeString(first)}`);
    }
  }

  private evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0];
    if (!first) this.errorf('empty command');
    switch (first.type) {
      case 'field':
        return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(dot, first, cmd.args, final);
      default:
        break;
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.type) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        this.errorf('nil is not a command');
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.text;
    }
  }

  private idealConstant(n: NumberNode): number {
    this.at(n);
    if (!n.isInt && !n.isFloatLiteral) this.errorf(`${n.text} overflows int`);
    return n.value;
  }

  private evalFieldNode(dot: unknown, field: FieldNode, args: readonly ArgNode[] | undefined, final: Final): unknown {
    this.at(field);
    return this.evalFieldChain(dot, dot, field, field.idents, args, final);
  }

  private evalChainNode(dot: unknown, chain: ChainNode, args: readonly ArgNode[] | undefined, final: Final): unknown {
    this.at(chain);
    if (chain.node.type === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const receiver = this.evalArg(dot, 'any', chain.node);
    return this.evalFieldChain(dot, receiver, chain, chain.fields, args, final);
  }

  private evalVariableNode(dot: unknown, variable: VariableNode, args: readonly ArgNode[] | undefined, final: Final): unknown {
    this.at(variable);
    const value = this.find(variable.idents[0] ?? '').value;
    if (variable.idents.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, variable, variable.idents.slice(1), args, final);
  }

  private evalFieldChain(
    dot: unknown,
    receiver: unknown,
    node: ArgNode,
    idents: readonly string[],
    args: readonly ArgNode[] | undefined,
    final: Final,
  ): unknown {
    let cur = receiver;
    idents.forEach((name, i) => {
      // Only the last field of a chain gets the arguments.
      const last = i === idents.length - 1;
      cur = this.evalField(dot, name, node, last ? args : undefined, last ? final : MISSING, cur);
    });
    return cur;
  }

  private evalField(
    dot: unknown,
    name: string,
    node: ArgNode,
    args: readonly ArgNode[] | undefined,
    final: Final,
    receiver: unknown,
  ): unknown {
    const hasArgs = (args?.length ?? 0) > 1 || final !== MISSING;
    if (isNil(receiver)) {
      if (this.missingKey === 'map-error') this.errorf(`nil data; no entry for key ${goQuote(name)}`);
      if (this.missingKey === 'field-error') this.errorf(`nil pointer evaluating interface {}.${name}`);
      return undefined;
    }
    if (receiver instanceof Map) {
      if (hasArgs) this.errorf(`${name} is not a method but has arguments`);
      if (receiver.has(name)) return receiver.get(name) as unknown;
      if (this.missingKey === 'map-error') this.errorf(`map has no entry for key ${goQuote(name)}`);
      return undefined;
    }
    if (typeof receiver === 'object' && !Array.isArray(receiver)) {
      const plain = isPlainObject(receiver);
      const asMap = plain && this.missingKey !== 'field-error';
      const prop = lookupProperty(receiver, name);
      if (prop.found && typeof prop.value === 'function') {
        const method = prop.value as (...a: unknown[]) => unknown;
        const target: TemplateFunc = {
          params: Array.from({ length: method.length }, (): GoParamType => 'any'),
          fn: (...a: never[]) => method.apply(receiver, a),
        };
        return this.evalCall(dot, target, false, node, name, args?.slice(1) ?? [], final);
      }
      if (prop.found) {
        if (hasArgs) {
          this.errorf(asMap ? `${name} is not a method but has arguments` : `${name} has arguments but cannot be invoked as function`);
        }
        return prop.value;
      }
      if (asMap && this.missingKey === 'map-error') this.errorf(`map has no entry for key ${goQuote(name)}`);
      if (asMap) return undefined;
    }
    this.errorf(`can't evaluate field ${name} in type ${this.typeName(receiver)}`);
  }

  private evalFunction(
    dot: unknown,
    ident: IdentifierNode,
    cmd: ArgNode | CommandNode,
    args: readonly ArgNode[] | undefined,
    final: Final,
  ): unknown {
    this.at(ident);
    const fn = this.funcs.get(ident.name);
    if (!fn) this.errorf(`${goQuote(ident.name)} is not a defined function`);
    return this.evalCall(dot, fn, true, cmd, ident.name, args?.slice(1) ?? [], final);
  }

  private evalCall(
    dot: unknown,
    fn: TemplateFunc,
    maybeBuiltin: boolean,
    node: ArgNode | CommandNode,
    name: string,
    args: readonly ArgNode[],
    final: Final,
  ): unknown {
    const numIn = args.length + (final !== MISSING ? 1 : 0);
    const numFixed = fn.params.length;
    if (fn.variadic !== undefined) {
      if (numIn < numFixed) this.errorf(`wrong number of args for ${name}: want at least ${numFixed} got ${args.length}`);
    } else if (numIn !== numFixed) {
      this.errorf(`wrong number of args for ${name}: want ${numFixed} got ${numIn}`);
    }
    if (maybeBuiltin && (fn === andFunc || fn === orFunc)) {
      const wantTruth = fn === orFunc;
      let v: unknown;
      for (const arg of args) {
        v = this.evalArg(dot, 'any', arg);
        if (goTruth(v) === wantTruth) return v;
      }
      return final !== MISSING ? final : v;
    }
    const argv: unknown[] = [];
    args.forEach((arg, i) => {
      const type = i < numFixed ? fn.params[i] : fn.variadic;
      argv.push(this.evalArg(dot, type ?? 'any', arg));
    });
    if (final !== MISSING) {
      let type: GoParamType | undefined;
      if (fn.variadic !== undefined) type = numIn - 1 < numFixed ? fn.params[numIn - 1] : fn.variadic;
      else type = fn.params[numFixed - 1];
      argv.push(this.validateType(final, type ?? 'any'));
    }
    if (maybeBuiltin && fn === callFunc) argv.unshift(args[0] ? nodeString(args[0]) : '');
    try {
      return (fn.fn as (...a: unknown[]) => unknown)(...argv);
    } catch (err) {
      if (err instanceof TemplateError) throw err;
      this.at(node);
      this.errorf(`error calling ${name}: ${errorMessage(err)}`);
    }
  }

  private evalArg(dot: unknown, type: GoParamType, n: ArgNode): unknown {
    this.at(n);
    switch (n.type) {
      case 'dot':
        return this.validateType(dot, type);
      case 'nil':
        if (type === 'any') return null;
        this.errorf(`cannot assign nil to ${goParamTypeName(type)}`);
      case 'field':
        return this.validateType(this.evalFieldNode(dot, n, [n], MISSING), type);
      case 'variable':
        return this.validateType(this.evalVariableNode(dot, n, undefined, MISSING), type);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n), type);
      case 'identifier':
        return this.validateType(this.evalFunction(dot, n, n, undefined, MISSING), type);
      case 'chain':
        return this.validateType(this.evalChainNode(dot, n, undefined, MISSING), type);
      default:
        break;
    }
    switch (type) {
      case 'bool':
        if (n.type === 'bool') return n.value;
        this.errorf(`expected bool; found ${nodeString(n)}`);
      case 'int':
        if (n.type === 'number' && n.isInt) return n.value;
        this.errorf(`expected integer; found ${nodeString(n)}`);
      case 'string':
        if (n.type === 'string') return n.text;
        this.errorf(`expected string; found ${nodeString(n)}`);
      case 'any':
        switch (n.type) {
          case 'bool':
            return n.value;
          case 'number':
            return this.idealConstant(n);
          case 'string':
            return n.text;
        }
    }
  }

  private validateType(value: unknown, type: GoParamType): unknown {
    if (type === 'any') return value;
    if (isNil(value)) this.errorf(`invalid value; expected ${goParamTypeName(type)}`);
    const ok =
      type === 'string'
        ? typeof value === 'string'
        : type === 'bool'
          ? typeof value === 'boolean'
          : (typeof value === 'number' && isIntegral(value)) || typeof value === 'bigint';
    if (!ok) this.errorf(`wrong type for value; expected ${goParamTypeName(type)}; got ${goTypeName(value)}`);
    return type === 'int' ? Number(value) : value;
  }
}

function goParamTypeName(type: GoParamType): string {
  return type === 'any' ? 'interface {}' : type;
}

/** A property on the object or its prototypes, stopping before Object.prototype. */
function lookupProperty(obj: object, name: string): { found: boolean; value?: unknown } {
  for (let o: object | null = obj; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    if (Object.hasOwn(o, name)) return { found: true, value: Reflect.get(obj, name) as unknown };
  }
  return { found: false };
}

/** A parsed template; execute it any number of times. */
export class GoTemplate {
  private constructor(
    private readonly tree: ParsedTemplate,
    private readonly funcs: ReadonlyMap<string, TemplateFunc>,
  ) {}

  /** Parses `text`; throws TemplateError with Go's parse error text. */
  static parse(text: string, opts: ParseOptions = {}): GoTemplate {
    const funcs = new Map<string, TemplateFunc>([
      ...Object.entries(builtinFuncs),
      ...Object.entries(dockerTemplateFuncs),
      ...Object.entries(opts.funcs ?? {}),
    ]);
    const tree = parseGoTemplate(opts.name ?? '', text, (name) => funcs.has(name));
    return new GoTemplate(tree, funcs);
  }

  /** Runs the template; throws TemplateError (phase 'exec') on failure. */
  execute(data: unknown, opts: ExecuteOptions = {}): string {
    const chunks: string[] = [];
    this.executeTo((c) => chunks.push(c), data, opts);
    return chunks.join('');
  }

  /** Like execute, but streams output: on failure, what was written before the error stays written. */
  executeTo(write: (chunk: string) => void, data: unknown, opts: ExecuteOptions = {}): void {
    let funcs = this.funcs;
    if (opts.funcs) funcs = new Map([...funcs, ...Object.entries(opts.funcs).filter(([name]) => funcs.has(name))]);
    const state = new ExecState(this.tree, funcs, write, opts, data);
    state.walk(data, this.tree.root);
  }
}
