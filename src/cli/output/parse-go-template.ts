// Lexer and parser for Go's text/template syntax, producing the tree that go-template.ts
// executes. Error texts follow Go's (`template: :1: function "foo" not defined`) because the
// Docker CLI shows them to users verbatim and scripts sometimes match on them.

import { goQuote } from '../../util/go-format.js';
import { TemplateError } from './template-error.js';

// ---------------------------------------------------------------------------------------------
// Tree. `pos` is the UTF-16 offset of the node in the source; errors convert it to Go's
// byte-based line:column.

export interface FieldNode {
  readonly type: 'field';
  readonly pos: number;
  readonly idents: readonly string[];
}
export interface ChainNode {
  readonly type: 'chain';
  readonly pos: number;
  readonly node: ArgNode;
  readonly fields: readonly string[];
}
export interface VariableNode {
  readonly type: 'variable';
  readonly pos: number;
  /** idents[0] is the variable ("$x" or "$"), the rest are field names. */
  readonly idents: readonly string[];
}
export interface DotNode {
  readonly type: 'dot';
  readonly pos: number;
}
export interface NilNode {
  readonly type: 'nil';
  readonly pos: number;
}
export interface BoolNode {
  readonly type: 'bool';
  readonly pos: number;
  readonly value: boolean;
}
export interface NumberNode {
  readonly type: 'number';
  readonly pos: number;
  readonly text: string;
  readonly isInt: boolean;
  /** Go reads a constant written with '.', 'e' or 'p' as float64 even when it is integral. */
  readonly isFloatLiteral: boolean;
  readonly value: number;
}
export interface StringNode {
  readonly type: 'string';
  readonly pos: number;
  readonly quoted: string;
  readonly text: string;
}
export interface IdentifierNode {
  readonly type: 'identifier';
  readonly pos: number;
  readonly name: string;
}
export interface PipeNode {
  readonly type: 'pipe';
  readonly pos: number;
  readonly decl: VariableNode[];
  isAssign: boolean;
  readonly cmds: CommandNode[];
}
export interface CommandNode {
  readonly type: 'command';
  readonly pos: number;
  readonly args: ArgNode[];
}
export type ArgNode =
  | FieldNode
  | ChainNode
  | VariableNode
  | DotNode
  | NilNode
  | BoolNode
  | NumberNode
  | StringNode
  | IdentifierNode
  | PipeNode;

export interface TextNode {
  readonly type: 'text';
  readonly pos: number;
  readonly text: string;
}
export interface ActionNode {
  readonly type: 'action';
  readonly pos: number;
  readonly pipe: PipeNode;
}
export interface BranchNode {
  readonly type: 'if' | 'with' | 'range';
  readonly pos: number;
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList: ListNode | undefined;
}
export interface LoopControlNode {
  readonly type: 'break' | 'continue';
  readonly pos: number;
}
export interface TemplateCallNode {
  readonly type: 'template';
  readonly pos: number;
  readonly name: string;
  readonly pipe: PipeNode | undefined;
}
export interface ListNode {
  readonly type: 'list';
  readonly pos: number;
  readonly nodes: TemplateNode[];
}
export type TemplateNode = TextNode | ActionNode | BranchNode | LoopControlNode | TemplateCallNode | ListNode;

/** A parsed template and the ones it defines with {{define}} or {{block}}. */
export interface ParsedTemplate {
  readonly name: string;
  readonly source: string;
  readonly root: ListNode;
  readonly defined: ReadonlyMap<string, ListNode>;
}

/** Go's String() of a node: what error messages show between < and >. */
export function nodeString(n: ArgNode | CommandNode | TemplateNode): string {
  switch (n.type) {
    case 'field':
      return n.idents.map((i) => `.${i}`).join('');
    case 'chain':
      return (n.node.type === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node)) + n.fields.map((f) => `.${f}`).join('');
    case 'variable':
      return n.idents.join('.');
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return String(n.value);
    case 'number':
      return n.text;
    case 'string':
      return n.quoted;
    case 'identifier':
      return n.name;
    case 'pipe': {
      const decl = n.decl.length > 0 ? `${n.decl.map(nodeString).join(', ')}${n.isAssign ? ' = ' : ' := '}` : '';
      return decl + n.cmds.map(nodeString).join(' | ');
    }
    case 'command':
      return n.args.map((a) => (a.type === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'text':
      return n.text;
    case 'action':
      return `{{${nodeString(n.pipe)}}}`;
    case 'if':
    case 'with':
    case 'range': {
      const elsePart = n.elseList ? `{{else}}${nodeString(n.elseList)}` : '';
      return `{{${n.type} ${nodeString(n.pipe)}}}${nodeString(n.list)}${elsePart}{{end}}`;
    }
    case 'break':
    case 'continue':
      return `{{${n.type}}}`;
    case 'template':
      return n.pipe ? `{{template ${goQuote(n.name)} ${nodeString(n.pipe)}}}` : `{{template ${goQuote(n.name)}}}`;
    case 'list':
      return n.nodes.map(nodeString).join('');
  }
}

/** Go's "line:col" of a position: 1-based line, byte column counted from 0. */
export function location(source: string, pos: number): { line: number; col: number } {
  const before = source.slice(0, pos);
  const nl = before.lastIndexOf('\n');
  const line = before.split('\n').length;
  return { line, col: Buffer.byteLength(before.slice(nl + 1)) };
}

// ---------------------------------------------------------------------------------------------
// Lexer.

type Keyword = 'block' | 'break' | 'continue' | 'define' | 'dot' | 'else' | 'end' | 'if' | 'nil' | 'range' | 'template' | 'with';
type ItemType =
  | Keyword
  | 'error'
  | 'bool'
  | 'char'
  | 'charConstant'
  | 'assign'
  | 'declare'
  | 'eof'
  | 'field'
  | 'identifier'
  | 'leftDelim'
  | 'leftParen'
  | 'number'
  | 'pipe'
  | 'rawString'
  | 'rightDelim'
  | 'rightParen'
  | 'space'
  | 'string'
  | 'text'
  | 'variable';

interface Item {
  readonly type: ItemType;
  readonly pos: number;
  readonly val: string;
}

const keywords: ReadonlyMap<string, Keyword> = new Map<string, Keyword>([
  ['block', 'block'],
  ['break', 'break'],
  ['continue', 'continue'],
  ['define', 'define'],
  ['else', 'else'],
  ['end', 'end'],
  ['if', 'if'],
  ['nil', 'nil'],
  ['range', 'range'],
  ['template', 'template'],
  ['with', 'with'],
]);
const keywordTypes: ReadonlySet<ItemType> = new Set<ItemType>([...keywords.values(), 'dot']);

function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

const alphaNumeric = /^[\p{L}\p{Nd}_]$/u;

function isAlphaNumeric(ch: string | undefined): boolean {
  return ch !== undefined && alphaNumeric.test(ch);
}

/** Go's %#U: U+0023 '#'. */
function describeRune(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${ch}'`;
}

/** Go's item.String(), used in "unexpected X in Y". */
function describeItem(item: Item): string {
  if (item.type === 'eof') return 'EOF';
  if (item.type === 'error') return item.val;
  if (keywordTypes.has(item.type)) return `<${item.val}>`;
  const runes = Array.from(item.val);
  if (runes.length > 10) return `${goQuote(runes.slice(0, 10).join(''))}...`;
  return goQuote(item.val);
}

/** Unwinds the lexer once it has emitted an error item; the parser reports the error. */
class LexStop extends Error {}

class Lexer {
  readonly items: Item[] = [];
  private pos = 0;
  private parenDepth = 0;

  constructor(private readonly input: string) {}

  run(): Item[] {
    try {
      this.lexText();
    } catch (err) {
      if (!(err instanceof LexStop)) throw err;
    }
    return this.items;
  }

  private emit(type: ItemType, start: number, end: number): void {
    this.items.push({ type, pos: start, val: this.input.slice(start, end) });
  }

  private fail(message: string, pos: number): never {
    this.items.push({ type: 'error', pos, val: message });
    throw new LexStop();
  }

  private lexText(): void {
    const input = this.input;
    for (;;) {
      const idx = input.indexOf('{{', this.pos);
      if (idx < 0) {
        if (this.pos < input.length) this.emit('text', this.pos, input.length);
        this.items.push({ type: 'eof', pos: input.length, val: '' });
        return;
      }
      const trimLeft = input[idx + 2] === '-' && isSpace(input[idx + 3]);
      let textEnd = idx;
      if (trimLeft) {
        while (textEnd > this.pos && isSpace(input[textEnd - 1])) textEnd--;
      }
      if (textEnd > this.pos) this.emit('text', this.pos, textEnd);
      const afterMarker = idx + 2 + (trimLeft ? 2 : 0);
      if (input.startsWith('/*', afterMarker)) {
        this.lexComment(idx, afterMarker);
      } else {
        this.emit('leftDelim', idx, idx + 2);
        this.pos = afterMarker;
        this.lexInsideAction();
      }
    }
  }

  /** Returns [isDelim, hasTrimMarker] for the text at pos. */
  private atRightDelim(pos: number): [boolean, boolean] {
    const input = this.input;
    if (isSpace(input[pos]) && input[pos + 1] === '-' && input.startsWith('}}', pos + 2)) return [true, true];
    return [input.startsWith('}}', pos), false];
  }

  private skipSpaces(): void {
    while (isSpace(this.input[this.pos])) this.pos++;
  }

  private lexComment(start: number, commentStart: number): void {
    const end = this.input.indexOf('*/', commentStart + 2);
    if (end < 0) this.fail('unclosed comment', start);
    this.pos = end + 2;
    const [delim, trim] = this.atRightDelim(this.pos);
    if (!delim) this.fail('comment ends before closing delimiter', start);
    this.pos += (trim ? 2 : 0) + 2;
    if (trim) this.skipSpaces();
  }

  private atTerminator(pos: number): boolean {
    const ch = this.input[pos];
    if (ch === undefined || isSpace(ch)) return true;
    return ch === '.' || ch === ',' || ch === '|' || ch === ':' || ch === ')' || ch === '(' || ch === '}';
  }

  private lexInsideAction(): void {
    const input = this.input;
    for (;;) {
      const [delim, trim] = this.atRightDelim(this.pos);
      if (delim) {
        if (this.parenDepth > 0) this.fail('unclosed left paren', this.pos);
        const at = this.pos + (trim ? 2 : 0);
        this.emit('rightDelim', at, at + 2);
        this.pos = at + 2;
        if (trim) this.skipSpaces();
        return;
      }
      const start = this.pos;
      const ch = input[start];
      if (ch === undefined) this.fail('unclosed action', start);
      if (isSpace(ch)) {
        let end = start;
        while (isSpace(input[end])) end++;
        // The space of a " -}}" belongs to the delimiter.
        if (input[end] === '-' && input.startsWith('}}', end + 1)) {
          end--;
          if (end === start) {
            this.pos = end;
            continue;
          }
        }
        this.emit('space', start, end);
        this.pos = end;
        continue;
      }
      switch (ch) {
        case '=':
          this.emit('assign', start, start + 1);
          this.pos++;
          continue;
        case ':':
          if (input[start + 1] !== '=') this.fail('expected :=', start);
          this.emit('declare', start, start + 2);
          this.pos += 2;
          continue;
        case '|':
          this.emit('pipe', start, start + 1);
          this.pos++;
          continue;
        case '"':
          this.lexQuote(start, '"', 'string', 'unterminated quoted string');
          continue;
        case "'":
          this.lexQuote(start, "'", 'charConstant', 'unterminated character constant');
          continue;
        case '`': {
          const end = input.indexOf('`', start + 1);
          if (end < 0) this.fail('unterminated raw quoted string', start);
          this.emit('rawString', start, end + 1);
          this.pos = end + 1;
          continue;
        }
        case '$':
          this.lexFieldOrVariable(start, 'variable');
          continue;
        case '(':
          this.emit('leftParen', start, start + 1);
          this.pos++;
          this.parenDepth++;
          continue;
        case ')':
          this.parenDepth--;
          if (this.parenDepth < 0) this.fail('unexpected right paren', start);
          this.emit('rightParen', start, start + 1);
          this.pos++;
          continue;
        case '.': {
          const next = input[start + 1];
          if (next === undefined || next < '0' || next > '9') {
            this.lexFieldOrVariable(start, 'field');
            continue;
          }
          this.lexNumber(start);
          continue;
        }
        default:
          break;
      }
      if (ch === '+' || ch === '-' || (ch >= '0' && ch <= '9')) {
        this.lexNumber(start);
        continue;
      }
      const rune = String.fromCodePoint(input.codePointAt(start) ?? 0);
      if (isAlphaNumeric(rune)) {
        this.lexIdentifier(start);
        continue;
      }
      const cp = rune.codePointAt(0) ?? 0;
      if (cp >= 0x20 && cp < 0x7f) {
        this.emit('char', start, start + 1);
        this.pos++;
        continue;
      }
      this.fail(`unrecognized character in action: ${describeRune(rune)}`, start);
    }
  }

  private lexQuote(start: number, quote: string, type: ItemType, unterminated: string): void {
    const input = this.input;
    let i = start + 1;
    for (;;) {
      const ch = input[i];
      if (ch === '\\') {
        const next = input[i + 1];
        if (next !== undefined && next !== '\n') {
          i += 2;
          continue;
        }
        this.fail(unterminated, start);
      }
      if (ch === undefined || ch === '\n') this.fail(unterminated, start);
      i++;
      if (ch === quote) break;
    }
    this.emit(type, start, i);
    this.pos = i;
  }

  private scanAlphaNumeric(from: number): number {
    let i = from;
    for (;;) {
      const cp = this.input.codePointAt(i);
      if (cp === undefined) return i;
      const rune = String.fromCodePoint(cp);
      if (!isAlphaNumeric(rune)) return i;
      i += rune.length;
    }
  }

  private badCharacter(at: number): never {
    const rune = String.fromCodePoint(this.input.codePointAt(at) ?? 0);
    this.fail(`bad character ${describeRune(rune)}`, at);
  }

  private lexFieldOrVariable(start: number, type: 'field' | 'variable'): void {
    if (this.atTerminator(start + 1)) {
      // A lone "." is dot; a lone "$" is the root variable.
      this.emit(type === 'field' ? 'dot' : 'variable', start, start + 1);
      this.pos = start + 1;
      return;
    }
    const end = this.scanAlphaNumeric(start + 1);
    if (!this.atTerminator(end)) this.badCharacter(end);
    this.emit(type, start, end);
    this.pos = end;
  }

  private lexIdentifier(start: number): void {
    const end = this.scanAlphaNumeric(start);
    if (!this.atTerminator(end)) this.badCharacter(end);
    const word = this.input.slice(start, end);
    const keyword = keywords.get(word);
    if (keyword) this.emit(keyword, start, end);
    else if (word === 'true' || word === 'false') this.emit('bool', start, end);
    else this.emit('identifier', start, end);
    this.pos = end;
  }

  private lexNumber(start: number): void {
    const input = this.input;
    let i = start;
    const accept = (chars: string): boolean => {
      const ch = input[i];
      if (ch !== undefined && chars.includes(ch)) {
        i++;
        return true;
      }
      return false;
    };
    const acceptRun = (chars: string): void => {
      while (accept(chars)) {
        // consumed
      }
    };
    accept('+-');
    let digits = '0123456789_';
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (accept('oO')) digits = '01234567_';
      else if (accept('bB')) digits = '01_';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (digits.length === 11 && accept('eE')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    if (digits.length === 23 && accept('pP')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    accept('i');
    if (isAlphaNumeric(input[i])) this.fail(`bad number syntax: ${goQuote(input.slice(start, i + 1))}`, start);
    this.emit('number', start, i);
    this.pos = i;
  }
}

// ---------------------------------------------------------------------------------------------
// Literals.

const textDecoder = new TextDecoder();
const textEncoder = new TextEncoder();

/** strconv.Unquote for "…", `…` and '…'; undefined when the syntax is invalid. */
function unquote(quoted: string): string | undefined {
  const q = quoted[0];
  if (q === '`') return quoted.slice(1, -1).replace(/\r/g, '');
  const body = quoted.slice(1, -1);
  // Escapes may build multi-byte UTF-8 sequences (\xc3\xa9), so decode from bytes.
  const bytes: number[] = [];
  const pushText = (s: string): void => {
    for (const b of textEncoder.encode(s)) bytes.push(b);
  };
  const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92 };
  for (let i = 0; i < body.length; ) {
    const ch = body[i] ?? '';
    if (ch === q) return undefined;
    if (ch !== '\\') {
      const cp = body.codePointAt(i) ?? 0;
      const rune = String.fromCodePoint(cp);
      pushText(rune);
      i += rune.length;
      continue;
    }
    const e = body[i + 1] ?? '';
    const code = simple[e];
    if (code !== undefined) {
      bytes.push(code);
      i += 2;
    } else if (e === q) {
      bytes.push(q.charCodeAt(0));
      i += 2;
    } else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 2, i + 4))) {
      bytes.push(parseInt(body.slice(i + 2, i + 4), 16));
      i += 4;
    } else if (e >= '0' && e <= '7' && /^[0-7]{3}$/.test(body.slice(i + 1, i + 4))) {
      const v = parseInt(body.slice(i + 1, i + 4), 8);
      if (v > 255) return undefined;
      bytes.push(v);
      i += 4;
    } else if ((e === 'u' || e === 'U') && /^[0-9a-fA-F]+$/.test(body.slice(i + 2, i + 2 + (e === 'u' ? 4 : 8)))) {
      const len = e === 'u' ? 4 : 8;
      if (body.length < i + 2 + len) return undefined;
      const cp = parseInt(body.slice(i + 2, i + 2 + len), 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
      pushText(String.fromCodePoint(cp));
      i += 2 + len;
    } else {
      return undefined;
    }
  }
  return textDecoder.decode(new Uint8Array(bytes));
}

/** Parses a Go integer literal (base prefixes, underscores) exactly; undefined if invalid. */
function parseGoInt(text: string): bigint | undefined {
  const negative = text.startsWith('-');
  const body = text.replace(/^[+-]/, '');
  // Underscores may only separate digits, or follow a base prefix.
  const forms: [RegExp, string][] = [
    [/^0[xX](_?[0-9a-fA-F]+)+$/, '0x'],
    [/^0[bB](_?[01]+)+$/, '0b'],
    [/^0[oO](_?[0-7]+)+$/, '0o'],
    [/^0(_?[0-7]+)+$/, '0o'],
    [/^(0|[1-9](_?[0-9]+)*)$/, ''],
  ];
  for (const [re, prefix] of forms) {
    if (!re.test(body)) continue;
    const digits = body.replace(/_/g, '');
    const value = prefix === '' ? BigInt(digits) : BigInt(prefix + digits.replace(/^0[xXbBoO]?/, ''));
    return negative ? -value : value;
  }
  return undefined;
}

function parseGoFloat(text: string): number | undefined {
  if (!/^[+-]?([0-9][0-9_]*\.?[0-9_]*|\.[0-9][0-9_]*)([eE][+-]?[0-9][0-9_]*)?$/.test(text)) return undefined;
  if (/__|_$|_\.|\._|_[eE]|[eE][+-]?_/.test(text)) return undefined;
  const v = Number(text.replace(/_/g, ''));
  return Number.isNaN(v) ? undefined : v;
}

function newNumber(item: Item): NumberNode | string {
  const text = item.val;
  if (item.type === 'charConstant') {
    const s = unquote(text);
    const runes = s === undefined ? [] : Array.from(s);
    if (runes.length !== 1) return `malformed character constant: ${text}`;
    const cp = (runes[0] ?? '').codePointAt(0) ?? 0;
    return { type: 'number', pos: item.pos, text, isInt: true, isFloatLiteral: false, value: cp };
  }
  if (text.endsWith('i')) return `complex numbers are not supported: ${goQuote(text)}`;
  const asInt = parseGoInt(text);
  if (asInt !== undefined) {
    // Beyond int64 Go keeps the constant as an unsigned or float value, never an int.
    const isInt = asInt >= -(2n ** 63n) && asInt < 2n ** 63n;
    return { type: 'number', pos: item.pos, text, isInt, isFloatLiteral: !isInt, value: Number(asInt) };
  }
  const asFloat = parseGoFloat(text);
  if (asFloat !== undefined) {
    // A float-parsable text without '.', 'e' or 'p' is an integer too large (or "08").
    if (!/[.eEpP]/.test(text)) return `integer overflow: ${goQuote(text)}`;
    return {
      type: 'number',
      pos: item.pos,
      text,
      isInt: Number.isInteger(asFloat) && Math.abs(asFloat) < 2 ** 63,
      isFloatLiteral: true,
      value: asFloat,
    };
  }
  return `illegal number syntax: ${goQuote(text)}`;
}

// ---------------------------------------------------------------------------------------------
// Parser. The structure follows Go's parse.Tree so that the same inputs fail with the same
// messages.

/** What a {{else}} or {{end}} looks like while parsing; never part of a finished tree. */
type Delimiter = { readonly type: 'else'; readonly pos: number } | { readonly type: 'end'; readonly pos: number };

class Parser {
  private i = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  readonly defined = new Map<string, ListNode>();

  constructor(
    private readonly name: string,
    private readonly source: string,
    private readonly items: readonly Item[],
    private readonly hasFunction: (name: string) => boolean,
  ) {}

  private current: Item = { type: 'eof', pos: 0, val: '' };

  fail(message: string): never {
    const { line } = location(this.source, this.current.pos);
    throw new TemplateError('parse', `template: ${this.name}:${line}: ${message}`);
  }

  private next(): Item {
    const item = this.items[this.i] ?? this.items[this.items.length - 1] ?? { type: 'eof', pos: this.source.length, val: '' };
    if (this.i < this.items.length) this.i++;
    // A lexer error is reported where the parser meets it as an unexpected token, so a
    // parse error found earlier wins, as in Go's lazily running lexer.
    this.current = item;
    return item;
  }

  private backup(n = 1): void {
    this.i -= n;
  }

  private peek(): Item {
    const item = this.next();
    this.backup();
    return item;
  }

  private nextNonSpace(): Item {
    let item = this.next();
    while (item.type === 'space') item = this.next();
    return item;
  }

  private peekNonSpace(): Item {
    const item = this.nextNonSpace();
    this.backup();
    return item;
  }

  private expect(type: ItemType, context: string): Item {
    const item = this.nextNonSpace();
    if (item.type !== type) this.unexpected(item, context);
    return item;
  }

  private unexpected(item: Item, context: string): never {
    if (item.type === 'error') this.fail(item.val);
    this.fail(`unexpected ${describeItem(item)} in ${context}`);
  }

  parse(): ListNode {
    const root: ListNode = { type: 'list', pos: this.peek().pos, nodes: [] };
    while (this.peek().type !== 'eof') {
      if (this.peek().type === 'leftDelim') {
        const save = this.i;
        this.next();
        if (this.nextNonSpace().type === 'define') {
          this.parseDefinition();
          continue;
        }
        this.i = save;
      }
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') this.fail(`unexpected {{${n.type}}}`);
      root.nodes.push(n);
    }
    return root;
  }

  private withFreshScope<T>(body: () => T): T {
    const savedVars = this.vars;
    const savedDepth = this.rangeDepth;
    this.vars = ['$'];
    this.rangeDepth = 0;
    try {
      return body();
    } finally {
      this.vars = savedVars;
      this.rangeDepth = savedDepth;
    }
  }

  private templateName(item: Item, context: string): string {
    if (item.type !== 'string' && item.type !== 'rawString') this.unexpected(item, context);
    const s = unquote(item.val);
    if (s === undefined) this.fail('invalid syntax');
    return s;
  }

  private parseDefinition(): void {
    const context = 'define clause';
    const name = this.templateName(this.nextNonSpace(), context);
    this.expect('rightDelim', context);
    this.withFreshScope(() => {
      const [list, end] = this.itemList();
      if (end.type !== 'end') this.fail(`unexpected {{${end.type}}} in ${context}`);
      this.defined.set(name, list);
    });
  }

  private itemList(): [ListNode, Delimiter] {
    const list: ListNode = { type: 'list', pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().type !== 'eof') {
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') return [list, n];
      list.nodes.push(n);
    }
    this.fail('unexpected EOF');
  }

  private textOrAction(): TemplateNode | Delimiter {
    const item = this.nextNonSpace();
    switch (item.type) {
      case 'text':
        return { type: 'text', pos: item.pos, text: item.val };
      case 'leftDelim':
        return this.action();
      default:
        this.unexpected(item, 'input');
    }
  }

  private action(): TemplateNode | Delimiter {
    const item = this.nextNonSpace();
    switch (item.type) {
      case 'block':
        return this.blockControl();
      case 'break':
      case 'continue': {
        const close = this.nextNonSpace();
        if (close.type !== 'rightDelim') this.unexpected(close, `{{${item.type}}}`);
        if (this.rangeDepth === 0) this.fail(`{{${item.type}}} outside {{range}}`);
        return { type: item.type, pos: item.pos };
      }
      case 'else': {
        // "{{else if …}}" and "{{else with …}}" leave the keyword for parseControl.
        const peek = this.peekNonSpace();
        if (peek.type === 'if' || peek.type === 'with') return { type: 'else', pos: peek.pos };
        const close = this.expect('rightDelim', 'else');
        return { type: 'else', pos: close.pos };
      }
      case 'end': {
        const close = this.expect('rightDelim', 'end');
        return { type: 'end', pos: close.pos };
      }
      case 'if':
      case 'with':
      case 'range':
        return this.parseControl(item.type);
      case 'template':
        return this.templateControl();
      default:
        break;
    }
    this.backup();
    const start = this.peek();
    return { type: 'action', pos: start.pos, pipe: this.pipeline('command', 'rightDelim') };
  }

  private parseControl(context: 'if' | 'with' | 'range'): BranchNode {
    const mark = this.vars.length;
    try {
      const pipe = this.pipeline(context, 'rightDelim');
      if (context === 'range') this.rangeDepth++;
      const [list, next] = this.itemList();
      if (context === 'range') this.rangeDepth--;
      let elseList: ListNode | undefined;
      if (next.type === 'else') {
        // {{if a}}x{{else if b}}y{{end}} is {{if a}}x{{else}}{{if b}}y{{end}}{{end}}.
        const peek = this.peek();
        if ((context === 'if' && peek.type === 'if') || (context === 'with' && peek.type === 'with')) {
          this.next();
          elseList = { type: 'list', pos: next.pos, nodes: [this.parseControl(context)] };
        } else {
          const [nodes, end] = this.itemList();
          if (end.type !== 'end') this.fail(`expected end; found {{${end.type}}}`);
          elseList = nodes;
        }
      }
      return { type: context, pos: pipe.pos, pipe, list, elseList };
    } finally {
      this.vars.length = mark;
    }
  }

  private templateControl(): TemplateCallNode {
    const context = 'template clause';
    const item = this.nextNonSpace();
    const name = this.templateName(item, context);
    let pipe: PipeNode | undefined;
    if (this.nextNonSpace().type !== 'rightDelim') {
      this.backup();
      pipe = this.pipeline(context, 'rightDelim');
    }
    return { type: 'template', pos: item.pos, name, pipe };
  }

  private blockControl(): TemplateCallNode {
    const context = 'block clause';
    const item = this.nextNonSpace();
    const name = this.templateName(item, context);
    const pipe = this.pipeline(context, 'rightDelim');
    this.withFreshScope(() => {
      const [list, end] = this.itemList();
      if (end.type !== 'end') this.fail(`unexpected {{${end.type}}} in ${context}`);
      this.defined.set(name, list);
    });
    return { type: 'template', pos: item.pos, name, pipe };
  }

  private pipeline(context: string, end: 'rightDelim' | 'rightParen'): PipeNode {
    const start = this.peekNonSpace();
    const pipe: PipeNode = { type: 'pipe', pos: start.pos, decl: [], isAssign: false, cmds: [] };
    decls: for (;;) {
      const save = this.i;
      const v = this.nextNonSpace();
      if (v.type !== 'variable') {
        this.i = save;
        break;
      }
      const next = this.peekNonSpace();
      if (next.type === 'assign' || next.type === 'declare') {
        pipe.isAssign = next.type === 'assign';
        this.nextNonSpace();
        pipe.decl.push({ type: 'variable', pos: v.pos, idents: v.val.split('.') });
        this.vars.push(v.val);
        break;
      }
      if (next.type === 'char' && next.val === ',') {
        this.nextNonSpace();
        pipe.decl.push({ type: 'variable', pos: v.pos, idents: v.val.split('.') });
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const after = this.peekNonSpace().type;
          if (after === 'variable' || after === 'rightDelim' || after === 'rightParen') continue decls;
          this.fail('range can only initialize variables');
        }
        this.fail(`too many declarations in ${context}`);
      }
      // Not a declaration: "$x" is the first operand. Put it back.
      this.i = save;
      break;
    }
    for (;;) {
      const item = this.nextNonSpace();
      if (item.type === end) {
        this.checkPipeline(pipe, context);
        return pipe;
      }
      switch (item.type) {
        case 'bool':
        case 'charConstant':
        case 'dot':
        case 'field':
        case 'identifier':
        case 'number':
        case 'nil':
        case 'rawString':
        case 'string':
        case 'variable':
        case 'leftParen':
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(item, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.fail(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((cmd, i) => {
      const first = cmd.args[0];
      if (first && ['bool', 'dot', 'nil', 'number', 'string'].includes(first.type)) {
        this.fail(`non executable command in pipeline stage ${i + 2}`);
      }
    });
  }

  private command(): CommandNode {
    const cmd: CommandNode = { type: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const item = this.next();
      if (item.type === 'space') continue;
      if (item.type === 'rightDelim' || item.type === 'rightParen') this.backup();
      else if (item.type !== 'pipe') this.unexpected(item, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.fail('empty command');
    return cmd;
  }

  private operand(): ArgNode | undefined {
    const node = this.term();
    if (!node) return undefined;
    if (this.peek().type !== 'field') return node;
    const chainPos = this.peek().pos;
    const fields: string[] = [];
    while (this.peek().type === 'field') fields.push(this.next().val.slice(1));
    switch (node.type) {
      case 'field':
        return { type: 'field', pos: chainPos, idents: [...node.idents, ...fields] };
      case 'variable':
        return { type: 'variable', pos: chainPos, idents: [...node.idents, ...fields] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        this.fail(`unexpected . after term ${goQuote(nodeString(node))}`);
      default:
        return { type: 'chain', pos: chainPos, node, fields };
    }
  }

  private term(): ArgNode | undefined {
    const item = this.nextNonSpace();
    switch (item.type) {
      case 'identifier':
        if (!this.hasFunction(item.val)) this.fail(`function ${goQuote(item.val)} not defined`);
        return { type: 'identifier', pos: item.pos, name: item.val };
      case 'dot':
        return { type: 'dot', pos: item.pos };
      case 'nil':
        return { type: 'nil', pos: item.pos };
      case 'variable': {
        const idents = item.val.split('.');
        if (!this.vars.includes(idents[0] ?? '')) this.fail(`undefined variable ${goQuote(idents[0] ?? '')}`);
        return { type: 'variable', pos: item.pos, idents };
      }
      case 'field':
        return { type: 'field', pos: item.pos, idents: [item.val.slice(1)] };
      case 'bool':
        return { type: 'bool', pos: item.pos, value: item.val === 'true' };
      case 'charConstant':
      case 'number': {
        const n = newNumber(item);
        if (typeof n === 'string') this.fail(n);
        return n;
      }
      case 'leftParen':
        return this.pipeline('parenthesized pipeline', 'rightParen');
      case 'string':
      case 'rawString': {
        const text = unquote(item.val);
        if (text === undefined) this.fail('invalid syntax');
        return { type: 'string', pos: item.pos, quoted: item.val, text };
      }
      default:
        this.backup();
        return undefined;
    }
  }
}

/** Parses template text into a tree. `hasFunction` tells which identifiers are callable. */
export function parseGoTemplate(name: string, source: string, hasFunction: (name: string) => boolean): ParsedTemplate {
  const items = new Lexer(source).run();
  const parser = new Parser(name, source, items, hasFunction);
  const root = parser.parse();
  return { name, source, root, defined: parser.defined };
}
