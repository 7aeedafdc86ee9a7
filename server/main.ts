import type { ServeConfig } from './config.js';

// Replaced by the server implementation (issue: Foundation and the target app).
export async function runServe(config: ServeConfig): Promise<void> {
  throw new Error(`serve is not built yet (config ${JSON.stringify(config)})`);
}
