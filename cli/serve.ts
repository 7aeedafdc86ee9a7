/** `bluegreen serve`'s own entry: the app's code and nothing of the other subcommands. */
// First: `serve` must own SIGTERM/SIGINT before anything else runs (see the module).
import '../server/early-signals.js';
import { registerServe } from '../server/command.js';
import { runCli } from './program.js';

await runCli([registerServe]);
