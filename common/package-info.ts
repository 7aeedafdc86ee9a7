import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root, found by walking up from this module (works from sources and from dist/). */
export const packageRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('bluegreen: package.json not found above ' + import.meta.url);
    dir = parent;
  }
  return dir;
})();

export const packageVersion: string = (
  JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }
).version;

/** The build's output: the bundled CLI (scripts/bundle.ts) and the dashboard. */
export const distDir: string = join(packageRoot, 'dist');

/** Where `vite build` puts the dashboard; served by the app (browser mode) and by `load --ui` (live mode). */
export const webDistDir: string = join(distDir, 'web');

/** The Kubernetes manifests; the demo reads its defaults from them. */
export const deployDir: string = join(packageRoot, 'deploy');
