/**
 * `npm run bench`: runs every bench/*.bench.ts in turn (or those named on the command line), each of which
 * measures its subject against a baseline in the same run and prints ratios. Benchmarks are not tests:
 * shared machines are noisy, so they report figures rather than fail on them.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const mod = (await import(pathToFileURL(join(benchDir, file)).href)) as { run: () => Promise<void> };
  await mod.run();
}
