// Loads the app's TypeScript modules in Node for the Node-side scripts (benches, the tuning
// sweep), through Vite's SSR loader with the app's own .wat plugin, so they run exactly the
// code the workers run.
import path from 'node:path';
import { createServer, runnerImport } from 'vite';

export const root = path.resolve(import.meta.dirname, '..');

/** The app's Vite plugin that compiles `.wat?wasm-bytes` imports with wabt. */
export async function watPlugin() {
  const { module } = await runnerImport(path.join(root, 'workers/search/scan/vite-plugin-wat.ts'), {
    root,
    configFile: false,
    logLevel: 'warn',
  });
  return module.watBytes();
}

/** A module loader over the repository; `plugin` defaults to the .wat plugin. */
export async function tsLoader(plugin) {
  const vite = await createServer({
    root,
    configFile: false,
    logLevel: 'warn',
    plugins: [plugin ?? (await watPlugin())],
    appType: 'custom',
    server: { middlewareMode: true, hmr: false, ws: false },
    optimizeDeps: { noDiscovery: true, include: [] },
  });
  return { load: (p) => vite.ssrLoadModule(p), close: () => vite.close() };
}
