import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const root = fileURLToPath(new URL('.', import.meta.url));
/** Where `vite dev` forwards /api (REST and the /api/stream WebSocket): a running `egov-noc serve`. */
const apiTarget = process.env.EGOV_NOC_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root,
  base: './',
  plugins: [svelte({ configFile: false })],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false, ws: true },
      '/pki': { target: apiTarget, changeOrigin: false },
    },
  },
});
