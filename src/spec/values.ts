/**
 * Strings that meet a schema's `pattern` or `format`: what the generic twin puts where a value
 * breaks its schema, and what the contract suite sends where a spec documents no example.
 */
import RandExp from 'randexp';

/** A small seeded PRNG (mulberry32): a twin answers the same generated strings on every run. */
function seeded(text: string): (from: number, to: number) => number {
  let a = 0;
  for (let i = 0; i < text.length; i += 1) a = (Math.imul(a, 31) + text.charCodeAt(i)) >>> 0;
  return (from, to) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return from + Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * (to - from + 1));
  };
}

/**
 * A string the pattern matches, made by randexp (openapi-sampler's own pattern support reads
 * `\d{12}` or `(-[a-z]+)?` literally, so AWS's ARN patterns came out wrong), from a generator
 * seeded by the pattern and the value it replaces; undefined when the pattern is not one it reads.
 */
export function stringMatching(given: string, replacing = '', length: { min?: number; max?: number } = {}): string | undefined {
  // Inline flags of other regex dialects (`(?s).+`, `(?i)…` in AWS's specs) are not JavaScript's: dropped.
  const pattern = withoutInlineFlags(given);
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
  // randexp misreads a few constructs (`[\S]`, lookaheads): each string is checked, a few tried.
  const min = length.min ?? 0;
  const max = length.max ?? Number.POSITIVE_INFINITY;
  const fits = (s: string) => re.test(s) && s.length >= min && s.length <= max;
  // A `.*` that opens or closes the pattern may match nothing: from the 5th attempt it is left out
  // of what randexp reads, so an anchor inside (`.*(^arn:…)([a-z]+$).*`, AWS) is not buried in noise.
  const bare = pattern.replace(/^\^?\.\*/, '').replace(/(?<!\\)\.\*\$?$/, '');
  for (let attempt = 0; attempt < 8; attempt += 1) {
    try {
      const gen = new RandExp(attempt >= 4 && bare !== '' ? bare : pattern);
      // Repetitions grow with the attempts, for a pattern whose strings must be long enough.
      gen.max = Math.max(4 * 2 ** Math.floor(attempt / 2), Math.min(min, 256));
      gen.randInt = seeded(`${pattern}\u0000${replacing}\u0000${attempt}`);
      // Printable ASCII without spaces: what an identifier-like value looks like.
      gen.defaultRange.subtract(0, 32);
      gen.defaultRange.subtract(127, 0x10ffff);
      const made = gen.gen();
      if (fits(made)) return made;
      // Short of minLength where the pattern ends open (`arn:.*`): the rest filled in.
      const padded = made.padEnd(min, 'x');
      if (fits(padded)) return padded;
    } catch {
      break;
    }
  }
  return ['x', 'string', 'a1', 'A', '0', 'x-1', 'x'.repeat(Math.max(1, min))].find(fits);
}

/** Values of the `format`s Ajv checks, for a string that breaks its format. */
export const BY_FORMAT: Record<string, string> = {
  'date-time': '2000-01-01T00:00:00Z',
  date: '2000-01-01',
  time: '00:00:00Z',
  email: 'user@example.com',
  'idn-email': 'user@example.com',
  uri: 'https://example.com/',
  'uri-reference': 'https://example.com/',
  iri: 'https://example.com/',
  'iri-reference': 'https://example.com/',
  url: 'https://example.com/',
  'uri-template': 'https://example.com/{id}',
  uuid: '00000000-0000-4000-8000-000000000000',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
  hostname: 'example.com',
  'idn-hostname': 'example.com',
  byte: 'AAAA',
  duration: 'P1D',
  regex: '.*',
  'json-pointer': '/a',
  'relative-json-pointer': '0',
};

/** A pattern without the leading inline flags (`(?s)`, `(?i)`) JavaScript's RegExp refuses. */
export function withoutInlineFlags(pattern: string): string {
  return pattern.replace(/^\(\?[a-zA-Z]+\)/, '');
}

/** Whether a string matches a schema's pattern (a pattern JavaScript cannot read matches anything). */
export function matchesPattern(pattern: string, value: string): boolean {
  try {
    return new RegExp(withoutInlineFlags(pattern), 'u').test(value);
  } catch {
    return true;
  }
}
