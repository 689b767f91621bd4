// Module-level state that must be one per process. @camtl/core ships an ESM
// and a CJS build (and a project may hold two installs of it); each would get
// its own module-level registry, so a kernel patch registered through
// `require('@camtl/core')` would be invisible to `import '@camtl/core'`. The
// state lives on globalThis instead, under a Symbol.for key that every copy
// computes alike (as tfjs keeps its engine and registries on the global).

/** The process-wide value for `camtl.<name>`, created by the first copy of core that asks. */
export function processSingleton<T>(name: string, create: () => T): T {
  const key = Symbol.for(`camtl.${name}`);
  const global = globalThis as unknown as Record<symbol, T | undefined>;
  return (global[key] ??= create());
}
