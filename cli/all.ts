/** Help, version and anything that is not a subcommand (a typo): every subcommand's options, none run. */
import { registerCheck } from '../check/command.js';
import { registerDemo } from '../demo/command.js';
import { registerLoad } from '../loadtester/command.js';
import { registerReport } from '../report/command.js';
import { registerServe } from '../server/command.js';
import { runCli } from './program.js';

await runCli([registerServe, registerLoad, registerDemo, registerCheck, registerReport]);
