// @camtl/cli — the `camtl` command, also usable programmatically.
export { main, reportError, COMMANDS } from './main';
export { helpText, parseFlags, type CliIO, type CommandSpec, type FlagSpec } from './args';
export { nodeFileSystem } from '@camtl/backend-node';
export { selectBackend, BACKEND_CHOICES } from './backend';
