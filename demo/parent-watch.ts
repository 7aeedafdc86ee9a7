/**
 * Preloaded (`node --import`) into every pod the demo starts: if the demo dies without cleaning up
 * (SIGKILL, a crash), the pod is re-parented and exits on its own instead of holding its port forever.
 * The demo names itself in BLUEGREEN_DEMO_PARENT: a pod whose demo died before this preload ran is already
 * re-parented when it starts, so comparing with its own first parent would never notice.
 */
import { DEMO_PARENT_ENV } from './parent-env.js';

const named = Number(process.env[DEMO_PARENT_ENV]);
const parent = Number.isInteger(named) && named > 0 ? named : process.ppid;
const orphaned = (): boolean => process.ppid !== parent;

if (orphaned()) process.exit(1);
setInterval(() => {
  if (orphaned()) process.exit(1);
}, 500).unref();
