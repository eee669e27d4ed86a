// Builds what the end-to-end tests serve: the app (dist/), the same app as a newer
// deployment (dist-next/, for the update prompt), and the app under a sub-path
// (dist-subpath/, as on GitHub Pages).
import { build } from 'vite';

const builds = [
  { outDir: 'dist', env: { LUMEN_BUILD_ID: 'e2e' } },
  { outDir: 'dist-next', env: { LUMEN_BUILD_ID: 'e2e-next' } },
  { outDir: 'dist-subpath', env: { LUMEN_BUILD_ID: 'e2e', LUMEN_BASE: '/lumen/' } },
];

for (const { outDir, env } of builds) {
  delete process.env.LUMEN_BASE;
  Object.assign(process.env, env);
  await build({ logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  console.log(`built ${outDir}/`);
}
