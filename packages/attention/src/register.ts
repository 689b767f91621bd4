import { registerAttention, type AttentionFactory } from '@camtl/core';
import { conditionalAttention } from './conditional';
import { multiHeadAttention } from './multi-head';

/**
 * Registers "multi-head" and "conditional" with the core's attention registry.
 * Idempotent (re-registering replaces the entry with the same factory). The
 * package is `sideEffects: false`, so a bundler may drop the load-time call
 * below; call this explicitly when selecting attention by name.
 */
export function registerAttentionPlugins(): void {
  registerAttention('multi-head', multiHeadAttention);
  // The registry's options type has an index signature; maxSeqLength is
  // checked at construction with a CamtlError when it is missing.
  registerAttention('conditional', conditionalAttention as AttentionFactory);
}

registerAttentionPlugins();
