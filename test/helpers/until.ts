/** Waiting for a condition instead of a fixed time: polls `check` until it holds, or fails naming `what`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  /** What is awaited, for the error; a function to say the state it timed out in. */
  what: string | (() => string),
  { timeoutMs = 10_000, intervalMs = 50 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
