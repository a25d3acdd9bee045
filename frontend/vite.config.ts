import react from "@vitejs/plugin-react";
import type { ModuleInfo, OutputBundle } from "rollup";
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

/** The team dashboard's page and the modules it imports (statically, through any depth) that the entry does not. */
function dashboardImports(ids: string[], info: (id: string) => ModuleInfo | null): Set<string> {
  const reach = (start: string | undefined) => {
    const seen = new Set<string>();
    const wanted = start === undefined ? [] : [start];
    for (let id = wanted.pop(); id !== undefined; id = wanted.pop()) {
      if (seen.has(id)) continue;
      seen.add(id);
      wanted.push(...(info(id)?.importedIds ?? []));
    }
    return seen;
  };
  const page = ids.find((id) => id.endsWith("/src/pages/TeamDashboard.tsx"));
  const entry = reach(ids.find((id) => id.endsWith("/src/main.tsx")));
  return new Set([...reach(page)].filter((id) => !entry.has(id)));
}
let firstScreen: Set<string> | undefined;

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
        manualChunks: (id, { getModuleIds, getModuleInfo }) => {
          if (/node_modules\/(echarts|zrender)\//.test(id)) return "echarts";
          // The dashboard's page and what it imports beyond the entry, in one chunk: merging small chunks otherwise
          // put its imports beside other pages' code, and the first screen fetched five files instead of two. Pages
          // that share some of it (the query hooks, the pager, the formats) load this chunk for them.
          firstScreen ??= dashboardImports([...getModuleIds()], getModuleInfo);
          return firstScreen.has(id) ? "TeamDashboard" : undefined;
        },
        experimentalMinChunkSize: 10_000,
      },
    },
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
