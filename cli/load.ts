/** `bluegreen load`'s own entry. */
import { registerLoad } from '../loadtester/command.js';
import { runCli } from './program.js';

await runCli([registerLoad]);
