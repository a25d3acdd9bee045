import react from "@vitejs/plugin-react";
import type { OutputBundle } from "rollup";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";

/** The built files of the team dashboard's page and what it imports, but the entry: index.html's inline script asks
 * for them beside the entry when the dashboard is the page opened, instead of once the entry has run. */
function dashboardCode(bundle: OutputBundle): string[] {
  const chunks = Object.values(bundle).filter((file) => file.type === "chunk");
  const page = chunks.find((chunk) => chunk.moduleIds.some((id) => id.endsWith("/src/pages/TeamDashboard.tsx")));
  if (page === undefined) throw new Error("the build has no chunk of the team dashboard's own");
  const wanted = new Set<string>();
  const visit = (fileName: string) => {
    const chunk = chunks.find((c) => c.fileName === fileName);
    if (chunk === undefined || chunk.isEntry || wanted.has(fileName)) return;
    wanted.add(fileName);
    chunk.imports.forEach(visit);
  };
  visit(page.fileName);
  return [...wanted].map((fileName) => `/${fileName}`);
}

const dashboardPreload: Plugin = {
  name: "pacer-dashboard-preload",
  apply: "build",
  transformIndexHtml: {
    order: "post",
    handler: (html, context) =>
      context.bundle ? html.replace("/* dashboard code */ []", JSON.stringify(dashboardCode(context.bundle))) : html,
  },
};

export default defineConfig({
  plugins: [react(), dashboardPreload],
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
        experimentalMinChunkSize: 10_000,
      },
    },
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
