/** `bluegreen demo`'s own entry. */
import { registerDemo } from '../demo/command.js';
import { runCli } from './program.js';

await runCli([registerDemo]);
