// Test-only helpers for the io/ tests (not exported from the package).
import { CamtlError } from '../errors';

/** Canonical BertForSequenceClassification parameter names and shapes for a config. */
export function bertExpectedShapes(config: Record<string, any>, prefix = 'bert.'): Map<string, number[]> {
  const h = config.hidden_size as number;
  const inter = config.intermediate_size as number;
  const m = new Map<string, number[]>();
  const ln = (p: string) => {
    m.set(`${p}.LayerNorm.weight`, [h]);
    m.set(`${p}.LayerNorm.bias`, [h]);
  };
  const dense = (p: string, out: number, inp: number) => {
    m.set(`${p}.weight`, [out, inp]);
    m.set(`${p}.bias`, [out]);
  };
  m.set(`${prefix}embeddings.word_embeddings.weight`, [config.vocab_size, h]);
  m.set(`${prefix}embeddings.position_embeddings.weight`, [config.max_position_embeddings, h]);
  m.set(`${prefix}embeddings.token_type_embeddings.weight`, [config.type_vocab_size, h]);
  ln(`${prefix}embeddings`);
  for (let i = 0; i < config.num_hidden_layers; i++) {
    const l = `${prefix}encoder.layer.${i}`;
    for (const x of ['query', 'key', 'value']) dense(`${l}.attention.self.${x}`, h, h);
    dense(`${l}.attention.output.dense`, h, h);
    ln(`${l}.attention.output`);
    dense(`${l}.intermediate.dense`, inter, h);
    dense(`${l}.output.dense`, h, inter);
    ln(`${l}.output`);
  }
  dense(`${prefix}pooler.dense`, h, h);
  dense('classifier', Object.keys(config.id2label ?? {}).length || 2, h);
  return m;
}

/** Awaits `p` and returns the CamtlError it rejects with (fails if it resolves or throws anything else). */
export async function camtlError(p: Promise<unknown> | (() => unknown)): Promise<CamtlError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (e instanceof CamtlError) return e;
    throw new Error(`expected a CamtlError, got ${String(e)}`);
  }
  throw new Error('expected a CamtlError, but it succeeded');
}

/** Builds a safetensors file from a raw header (object or exact JSON text) and data bytes. */
export function rawSafetensors(
  header: unknown,
  data: Uint8Array = new Uint8Array(0),
  headerLength?: bigint,
): Uint8Array {
  const json = typeof header === 'string' ? header : JSON.stringify(header);
  const h = typeof header === 'object' && header instanceof Uint8Array ? header : new TextEncoder().encode(json);
  const out = new Uint8Array(8 + h.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, headerLength ?? BigInt(h.byteLength), true);
  out.set(h, 8);
  out.set(data, 8 + h.byteLength);
  return out;
}
