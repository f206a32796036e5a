/**
 * The STIX 2.1 patterning language (part 9 of the specification): a recursive-descent parser that
 * accepts the grammar's observation and comparison expressions and says where and why a pattern is
 * wrong. It checks syntax only; matching patterns against observations is not this module's job.
 */
import { isStixTimestamp } from './timestamps.ts';

type TokenKind = 'word' | 'string' | 'number' | 'typed' | 'punct' | 'end';
interface Token { kind: TokenKind; text: string; at: number; prefix?: string }

export class PatternError extends Error {
  constructor(readonly at: number, reason: string) {
    super(`${reason} at character ${at + 1}`);
  }
}

const PUNCTUATION = ['<=', '>=', '!=', '=', '<', '>', '[', ']', '(', ')', ':', '.', ',', '*'];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) { i++; continue; }
    const start = i;
    // Typed literals: h'…' (hex), b'…' (base64), t'…' (timestamp).
    if (/[hbt]/.test(c) && text[i + 1] === "'") {
      const body = quoted(text, i + 1);
      tokens.push({ kind: 'typed', prefix: c, text: body.value, at: start });
      i = body.end;
      continue;
    }
    if (c === "'") {
      const body = quoted(text, i);
      tokens.push({ kind: 'string', text: body.value, at: start });
      i = body.end;
      continue;
    }
    const number = /^-?\d+(\.\d+)?/.exec(text.slice(i));
    if (number && (c !== '-' || /\d/.test(text[i + 1] ?? ''))) {
      tokens.push({ kind: 'number', text: number[0], at: start });
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text.slice(i));
    if (word) {
      tokens.push({ kind: 'word', text: word[0], at: start });
      i += word[0].length;
      continue;
    }
    const punct = PUNCTUATION.find((p) => text.startsWith(p, i));
    if (!punct) throw new PatternError(i, `unexpected character ${JSON.stringify(c)}`);
    tokens.push({ kind: 'punct', text: punct, at: start });
    i += punct.length;
  }
  tokens.push({ kind: 'end', text: '', at: text.length });
  return tokens;
}

/** A single-quoted string from `open`, with \' and \\ as its only escapes. */
function quoted(text: string, open: number): { value: string; end: number } {
  let value = '';
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      const next = text[i + 1];
      if (next !== "'" && next !== '\\') throw new PatternError(i, 'only \\\' and \\\\ may be escaped in a string');
      value += next;
      i++;
    } else if (c === "'") {
      return { value, end: i + 1 };
    } else {
      value += c;
    }
  }
  throw new PatternError(open, 'a string is not closed');
}

const EQUALITY = new Set(['=', '!=']);
const ORDERING = new Set(['<', '>', '<=', '>=']);
const STRING_OPERATORS = new Set(['LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET']);

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private get token(): Token { return this.tokens[this.i]!; }
  private is(text: string): boolean { return (this.token.kind === 'punct' || this.token.kind === 'word') && this.token.text === text; }
  private accept(text: string): boolean {
    if (!this.is(text)) return false;
    this.i++;
    return true;
  }
  private expect(text: string, what = `"${text}"`): void {
    if (!this.accept(text)) this.fail(`expected ${what}`);
  }
  private fail(reason: string): never {
    const found = this.token.kind === 'end' ? 'the end of the pattern' : `"${this.token.text}"`;
    throw new PatternError(this.token.at, `${reason}, found ${found}`);
  }

  pattern(): void {
    this.observations();
    if (this.token.kind !== 'end') this.fail('expected AND, OR or FOLLOWEDBY between observation expressions');
  }

  /** `operand (operator operand)*`: the grammar's operators, FOLLOWEDBY binding loosest and AND tightest. */
  private chain(operand: () => void, ...operators: string[]): void {
    const [operator, ...tighter] = operators;
    if (operator === undefined) return operand();
    do this.chain(operand, ...tighter);
    while (this.accept(operator));
  }
  private observations(): void {
    this.chain(() => this.observation(), 'FOLLOWEDBY', 'OR', 'AND');
  }
  private observation(): void {
    if (this.accept('[')) {
      this.comparisonOr();
      this.expect(']', '"]" to close the observation expression');
    } else if (this.accept('(')) {
      this.observations();
      this.expect(')', '")" to close the group of observation expressions');
    } else {
      this.fail('expected an observation expression "[ … ]"');
    }
    this.qualifiers();
  }
  private qualifiers(): void {
    for (;;) {
      if (this.accept('WITHIN')) {
        this.positiveNumber('WITHIN needs a positive number of seconds');
        this.expect('SECONDS');
      } else if (this.accept('REPEATS')) {
        this.positiveNumber('REPEATS needs a positive whole number', true);
        this.expect('TIMES');
      } else if (this.accept('START')) {
        this.timestamp('START');
        this.expect('STOP');
        this.timestamp('STOP');
      } else {
        return;
      }
    }
  }
  private positiveNumber(reason: string, whole = false): void {
    const token = this.token;
    if (token.kind !== 'number' || Number(token.text) <= 0 || (whole && !/^\d+$/.test(token.text))) this.fail(reason);
    this.i++;
  }
  private timestamp(after: string): void {
    const token = this.token;
    if (token.kind !== 'typed' || token.prefix !== 't' || !isStixTimestamp(token.text)) this.fail(`${after} needs a timestamp t'YYYY-MM-DDTHH:MM:SSZ'`);
    this.i++;
  }

  private comparisonOr(): void {
    this.chain(() => this.test(), 'OR', 'AND');
  }
  private test(): void {
    if (this.accept('(')) {
      this.comparisonOr();
      this.expect(')', '")" to close the group of comparisons');
      return;
    }
    if (this.accept('EXISTS')) {
      this.objectPath();
      return;
    }
    this.objectPath();
    this.accept('NOT');
    const operator = this.token.text;
    if ((this.token.kind === 'punct' && EQUALITY.has(operator)) || (this.token.kind === 'punct' && ORDERING.has(operator))) {
      this.i++;
      this.literal(ORDERING.has(operator));
    } else if (this.token.kind === 'word' && operator === 'IN') {
      this.i++;
      this.set();
    } else if (this.token.kind === 'word' && STRING_OPERATORS.has(operator)) {
      this.i++;
      this.stringLiteral(`${operator} needs a string`);
    } else {
      this.fail('expected a comparison operator (=, !=, <, >, <=, >=, IN, LIKE, MATCHES, ISSUBSET, ISSUPERSET)');
    }
  }
  private objectPath(): void {
    const type = this.token;
    if (type.kind !== 'word' || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(type.text) || type.text.length < 3) {
      this.fail('expected an object type such as ipv4-addr or file');
    }
    this.i++;
    this.expect(':', '":" after the object type');
    this.pathStep('a property name after ":"');
    for (;;) {
      if (this.accept('.')) {
        this.pathStep('a property name after "."');
      } else if (this.accept('[')) {
        if (this.token.kind === 'number' && /^\d+$/.test(this.token.text)) this.i++;
        else if (!this.accept('*')) this.fail('expected a list index or "*"');
        this.expect(']', '"]" to close the list index');
      } else {
        return;
      }
    }
  }
  private stringLiteral(reason: string): void {
    if (this.token.kind !== 'string') this.fail(reason);
    this.i++;
  }
  private pathStep(what: string): void {
    if (this.token.kind !== 'word' && this.token.kind !== 'string') this.fail(`expected ${what}`);
    this.i++;
  }
  private literal(orderable: boolean): void {
    const token = this.token;
    const bool = token.kind === 'word' && (token.text === 'true' || token.text === 'false');
    if (bool && orderable) this.fail('a boolean cannot be ordered');
    if (token.kind === 'typed') this.typed(token);
    else if (token.kind !== 'string' && token.kind !== 'number' && !bool) this.fail('expected a value (a string, number, boolean or typed literal)');
    this.i++;
  }
  private typed(token: Token): void {
    const valid = token.prefix === 't' ? isStixTimestamp(token.text)
      : token.prefix === 'h' ? /^([0-9a-fA-F]{2})*$/.test(token.text)
      : /^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(token.text);
    if (!valid) this.fail(`the ${({ t: 'timestamp', h: 'hexadecimal', b: 'base64' } as Record<string, string>)[token.prefix!]} literal is malformed`);
  }
  private set(): void {
    this.expect('(', '"(" to open the set after IN');
    do this.literal(false);
    while (this.accept(','));
    this.expect(')', '")" to close the set');
  }
}

/** Why the pattern is not a valid STIX pattern, or undefined if it is. */
export function stixPatternError(pattern: string): string | undefined {
  try {
    new Parser(tokenize(pattern)).pattern();
    return undefined;
  } catch (error) {
    if (error instanceof PatternError) return error.message;
    throw error;
  }
}

/** A string literal of the STIX pattern grammar: quote and backslash escaped. */
export const patternString = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
