import { CamtlError, type SamplerFactory } from '@camtl/core';
import type { CommonSamplerOptions } from './base';
import { mtUncertainty, type MtUncertaintyOptions } from './mt-uncertainty';
import { proportional } from './proportional';
import { replay, type ReplayOptions } from './replay';
import { annealed, roundRobin, temperature, uniform, type TaskMixOptions, type TemperatureOptions } from './task-mix';

/** Options accepted by each named sampler. */
export interface SamplerOptionsByName {
  'mt-uncertainty': MtUncertaintyOptions;
  proportional: CommonSamplerOptions;
  temperature: TemperatureOptions;
  annealed: TaskMixOptions;
  'round-robin': TaskMixOptions;
  uniform: TaskMixOptions;
  replay: ReplayOptions;
}

export type SamplerName = keyof SamplerOptionsByName;

const PLUGINS: { [K in SamplerName]: (options?: SamplerOptionsByName[K]) => SamplerFactory } = {
  'mt-uncertainty': mtUncertainty,
  proportional,
  temperature,
  annealed,
  'round-robin': roundRobin,
  uniform,
  replay,
};

/** The sampler names `createSampler` accepts, for CLI help and config validation. */
export function samplerNames(): SamplerName[] {
  return Object.keys(PLUGINS) as SamplerName[];
}

/** A sampler factory by name, for CLI and config files. */
export function createSampler<K extends SamplerName>(name: K, options?: SamplerOptionsByName[K]): SamplerFactory {
  if (!Object.prototype.hasOwnProperty.call(PLUGINS, name)) {
    throw new CamtlError(
      'NOT_FOUND',
      `unknown sampler "${String(name)}"`,
      `choose one of: ${samplerNames().join(', ')}`,
    );
  }
  const plugin = PLUGINS[name] as (options?: SamplerOptionsByName[K]) => SamplerFactory;
  // replay has no default options: its own check names the missing schedule.
  return plugin(options ?? ({} as SamplerOptionsByName[K]));
}
