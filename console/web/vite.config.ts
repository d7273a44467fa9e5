import { fileURLToPath } from 'node:url';
import { defineConfig, type UserConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const root = fileURLToPath(new URL('.', import.meta.url));
/** Where `vite dev` forwards /api (REST and the /api/stream WebSocket): a running `egov-noc serve`. */
const apiTarget = process.env.EGOV_NOC_API ?? 'http://127.0.0.1:8080';

const config = {
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
} satisfies UserConfig;

export default defineConfig(({ command }) => {
  // `vite build` is the production build whoever runs it: under vitest (NODE_ENV=test) the browser
  // tests built Svelte's development build (433 KB, not 373 KB), and a console benchmark run after
  // them measured that. Vite reads NODE_ENV after this function has run.
  if (command === 'build') process.env.NODE_ENV = 'production';
  return config;
});
