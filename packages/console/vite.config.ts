/**
 * The officials' console, built into packages/console/dist and served under /console/ (locally by the local
 * cloud, on AWS by CloudFront from S3). Relative asset URLs under that base; no inline scripts or styles, so the
 * strict Content-Security-Policy (script-src 'self', style-src 'self') holds.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Never inline assets as data: URLs into CSS/JS: the CSP allows only 'self' for fonts and scripts.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 800,
  },
  server: { proxy: { '^/(?!console/).*': 'http://localhost:3000' } },
});
