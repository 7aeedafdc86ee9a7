/** `bluegreen report`'s own entry: reprints a saved run (and writes its page). */
import { registerReport } from '../report/command.js';
import { runCli } from './program.js';

await runCli([registerReport]);
