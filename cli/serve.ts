/** `bluegreen serve`'s own entry: the app's code and nothing of the other subcommands. */
// First: `serve` must own SIGTERM/SIGINT before anything else runs (see the module).
import '../server/early-signals.js';
import { registerServe } from '../server/command.js';
import { runCli } from './program.js';

// Not awaited: the build makes this entry a CommonJS file (scripts/bundle.ts), which has no top-level
// await; runCli ends the process itself on every error.
void runCli([registerServe]);
