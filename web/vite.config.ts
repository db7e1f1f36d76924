import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Built by `npm run build` (= `vite build web`): root is this folder, output web/dist.
// Dev: `npx vite web` with the API running on :3000 (RAPPORT_API to point elsewhere).
const api = process.env.RAPPORT_API ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    sourcemap: false,
    chunkSizeWarningLimit: 900,
  },
  server: {
    proxy: {
      '/api': { target: api, changeOrigin: false },
      '/healthz': { target: api },
    },
  },
});
