/**
 * Preloaded (`node --import`) into every pod the demo starts: if the demo dies without cleaning up
 * (SIGKILL, a crash), the pod is re-parented and exits on its own instead of holding its port forever.
 */
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(1);
}, 500).unref();
