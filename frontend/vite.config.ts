import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  // The origin `make run` lets call the services (PACER_CORS_ALLOWED_ORIGINS), beside the built console's.
  server: { host: "127.0.0.1", port: 5173, strictPort: true },
  build: {
    target: "es2022",
    sourcemap: true,
    chunkSizeWarningLimit: 600, // ECharts' own chunk (about 190 KB gzip), loaded with the first chart
    rollupOptions: {
      output: {
        // The charting library is the largest dependency: its own file, cached across releases of the console.
        manualChunks: (id) => (/node_modules\/(echarts|zrender)\//.test(id) ? "echarts" : undefined),
      },
    },
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
