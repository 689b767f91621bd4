import { z } from 'zod';
import { FILE_SCHEMA } from './config-flat';

/** The JSON Schema (draft 2020-12) of `--config` files, for `camtl train --help-config` and editors. */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(FILE_SCHEMA, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
