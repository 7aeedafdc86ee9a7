/** `bluegreen check`'s own entry. */
import { registerCheck } from '../check/command.js';
import { runCli } from './program.js';

await runCli([registerCheck]);
