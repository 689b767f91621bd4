// Test-only (not exported): fast-check mutations of real data slices, for the loaders' fuzz tests.
import fc from 'fast-check';

/** Bytes that mean something to one of the formats (separators, quotes, brackets, BOM, invalid UTF-8). */
const SPECIAL = [
  '\t',
  '\n',
  '\r',
  '\r\n',
  '"',
  '""',
  ',',
  '{',
  '}',
  '[',
  ']',
  ':',
  '\\',
  'null',
  '-1',
  '1e999',
  '\u0000',
  '\ufeff',
  '-DOCSTART-',
  ' ',
];
const enc = new TextEncoder();
const INVALID_UTF8 = [new Uint8Array([0xff]), new Uint8Array([0xc3]), new Uint8Array([0xed, 0xa0, 0x80])];

const piece = fc.oneof(
  fc.constantFrom(...SPECIAL.map((s) => enc.encode(s)), ...INVALID_UTF8),
  fc.uint8Array({ minLength: 1, maxLength: 4 }),
);

type ByteOp = { at: number; kind: 'insert' | 'delete' | 'replace' | 'truncate'; bytes: Uint8Array; length: number };

const byteOp: fc.Arbitrary<ByteOp> = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  kind: fc.constantFrom('insert', 'delete', 'replace', 'truncate'),
  bytes: piece,
  length: fc.integer({ min: 1, max: 16 }),
});

function applyByte(data: Uint8Array, op: ByteOp): Uint8Array {
  const i = Math.min(data.length, Math.floor(op.at * (data.length + 1)));
  const cat = (...parts: Uint8Array[]) => {
    const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of parts) (out.set(p, o), (o += p.length));
    return out;
  };
  if (op.kind === 'truncate') return data.slice(0, i);
  if (op.kind === 'insert') return cat(data.slice(0, i), op.bytes, data.slice(i));
  if (op.kind === 'delete') return cat(data.slice(0, i), data.slice(i + op.length));
  return cat(data.slice(0, i), op.bytes, data.slice(i + op.bytes.length));
}

/** 1–6 byte-level edits of `base`. */
export const byteMutation = (base: Uint8Array) =>
  fc.array(byteOp, { minLength: 1, maxLength: 6 }).map((ops) => ops.reduce(applyByte, base));

const ODD_LINES = [
  '',
  '\t',
  '\t\t\t',
  '{}',
  'null',
  '[]',
  '"',
  '{"label": null}',
  '-DOCSTART- O',
  'a\tb\tc\td\te',
  'x,y,"z',
  '  ',
];
type LineOp = { kind: 'delete' | 'duplicate' | 'swap' | 'cut' | 'join' | 'insert'; i: number; j: number; line: string };
const lineOp: fc.Arbitrary<LineOp> = fc.record({
  kind: fc.constantFrom('delete', 'duplicate', 'swap', 'cut', 'join', 'insert'),
  i: fc.nat(),
  j: fc.nat(),
  line: fc.oneof(fc.constantFrom(...ODD_LINES), fc.string({ maxLength: 20 })),
});

function applyLine(lines: string[], op: LineOp): string[] {
  if (lines.length === 0) return [op.line];
  const out = [...lines];
  const i = op.i % out.length;
  const j = op.j % out.length;
  if (op.kind === 'delete') out.splice(i, 1);
  else if (op.kind === 'duplicate') out.splice(i, 0, out[i]);
  else if (op.kind === 'swap') [out[i], out[j]] = [out[j], out[i]];
  else if (op.kind === 'cut') out[i] = out[i].slice(0, op.j % (out[i].length + 1));
  else if (op.kind === 'join' && i + 1 < out.length) out.splice(i, 2, out[i] + out[i + 1]);
  else out.splice(i, 0, op.line);
  return out;
}

/** 1–5 line-level edits (delete, duplicate, swap, cut, join, insert an odd line) of `base`. */
export const lineMutation = (base: string) =>
  fc.array(lineOp, { minLength: 1, maxLength: 5 }).map((ops) => ops.reduce(applyLine, base.split('\n')).join('\n'));

/** JSON values a field should not hold (and some it may). */
export const oddValue = fc.oneof(
  fc.constantFrom(null, 0, -1, 1.5, 1e300, '', 'x', true, [], {}, [null], { text: null }, '\t\n"'),
  fc.jsonValue({ maxDepth: 2 }),
);

type Json = unknown;
/** Every path to a value inside `v` (objects and arrays), the root included. */
function paths(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

function setAt(v: Json, path: (string | number)[], value: Json | typeof DELETE): Json {
  if (path.length === 0) return value === DELETE ? undefined : value;
  const [head, ...rest] = path;
  const copy: any = Array.isArray(v) ? [...v] : { ...(v as object) };
  if (rest.length === 0 && value === DELETE) {
    if (Array.isArray(copy)) copy.splice(head as number, 1);
    else delete copy[head];
  } else copy[head] = setAt(copy[head], rest, value);
  return copy;
}
const DELETE = Symbol('delete');

/** 1–4 edits of parsed JSON `value`: a value somewhere replaced by an odd one, or a key/element removed. */
export const structureMutation = (value: Json) =>
  fc
    .array(fc.record({ pick: fc.nat(), remove: fc.boolean(), value: oddValue }), { minLength: 1, maxLength: 4 })
    .map((ops) =>
      ops.reduce((v, op) => {
        const all = paths(v);
        const path = all[op.pick % all.length];
        return setAt(v, path, op.remove && path.length > 0 ? DELETE : op.value);
      }, value),
    );

/** A JSONL file with one line's object mutated structurally. */
export const jsonlMutation = (base: string) => {
  const lines = base.split('\n');
  const objects = lines.map((l, i) => ({ i, l })).filter(({ l }) => l.trim().startsWith('{'));
  if (objects.length === 0) return lineMutation(base);
  return fc
    .constantFrom(...objects)
    .chain(({ i, l }) =>
      structureMutation(JSON.parse(l)).map((v) =>
        lines.map((x, k) => (k === i ? (JSON.stringify(v) ?? '') : x)).join('\n'),
      ),
    );
};
