import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

const webRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: webRoot,
  // Relative asset paths: the dashboard must work under any sub-path (an Ingress's /dashboard).
  base: './',
  plugins: [svelte()],
  // The wire protocol both ends import (see paths in web/tsconfig.json and the vitest config).
  resolve: { alias: { $protocol: fileURLToPath(new URL('../protocol', import.meta.url)) } },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
  },
});
