// Test-only (not exported): fast-check mutations of JSON inputs, for the CLI's fuzz tests.
import fc from 'fast-check';

/** Values a field should not hold (and some it may). */
export const oddValue = fc.oneof(
  fc.constantFrom(null, 0, -1, 0.5, 1.5, 3, 1e12, 1e300, -1e300, '', 'x', '0-4', true, false, [], {}, [null], [1, 2]),
  fc.jsonValue({ maxDepth: 2 }),
);

type Path = (string | number)[];
const DELETE = Symbol('delete');

function paths(v: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

function setAt(v: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const copy: any = Array.isArray(v) ? [...v] : { ...(v as object) };
  if (rest.length === 0 && value === DELETE) {
    if (Array.isArray(copy)) copy.splice(head as number, 1);
    else delete copy[head];
  } else copy[head] = setAt(copy[head], rest, value);
  return copy;
}

/** 1–4 edits of `value`: a value somewhere replaced by an odd one, a key or element removed, or a key added. */
export const structureMutation = (value: unknown) =>
  fc
    .array(
      fc.record({
        pick: fc.nat(),
        op: fc.constantFrom('set', 'remove', 'add'),
        key: fc.string({ maxLength: 12 }),
        value: oddValue,
      }),
      { minLength: 1, maxLength: 4 },
    )
    .map((ops) =>
      ops.reduce<unknown>((v, op) => {
        const all = paths(v);
        const path = all[op.pick % all.length];
        if (op.op === 'remove' && path.length > 0) return setAt(v, path, DELETE);
        if (op.op === 'add') return setAt(v, [...path, op.key], op.value);
        return setAt(v, path, op.value);
      }, value),
    );

/** The JSON text of `value`, cut or with 1–3 bytes edited. */
export const textMutation = (value: unknown) => {
  const text = JSON.stringify(value);
  return fc
    .array(
      fc.record({
        at: fc.nat(),
        cut: fc.boolean(),
        with: fc.constantFrom('', '"', '{', '}', ',', 'null', '\n', '\u0000', ':'),
      }),
      {
        minLength: 1,
        maxLength: 3,
      },
    )
    .map((ops) =>
      ops.reduce((t, op) => {
        const i = op.at % (t.length + 1);
        return op.cut ? t.slice(0, i) : t.slice(0, i) + op.with + t.slice(i + 1);
      }, text),
    );
};

/** A JSON input: anything at all, a structural mutation of `valid`, or its text mutated. */
export const jsonInput = (valid: unknown) =>
  fc.oneof(
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 4, arbitrary: structureMutation(valid).map((v) => JSON.stringify(v) ?? '') },
    { weight: 2, arbitrary: textMutation(valid) },
  );
