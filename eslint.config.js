import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import svelteConfig from './svelte.config.js';

export default ts.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'dist-next/',
      'dist-subpath/',
      'dist-screenshots/',
      'test-results/',
      'playwright-report/',
      'bench/results/',
      'bench/dist/',
      'models/generator/',
      'models/tiny-world/',
      'e2e/fixtures/',
      // Built by scripts/build-libheif.sh, committed as built.
      'vendor/',
    ],
  },
  js.configs.recommended,
  ...ts.configs.recommendedTypeChecked,
  ...svelte.configs.recommended,
  prettier,
  ...svelte.configs.prettier,
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.node },
      parserOptions: {
        project: [
          './tsconfig.json',
          './tsconfig.worker.json',
          './tsconfig.node.json',
          './tsconfig.sw.json',
        ],
        extraFileExtensions: ['.svelte'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: ts.parser, svelteConfig },
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...ts.configs.disableTypeChecked,
  },
  // Dependencies point one way: page → protocols + shared layer ← workers (see README, "How it works").
  {
    files: ['src/core/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)(src/lib|lib|workers)/|\\.svelte$|^\\.\\./(lib|workers)(/|$)',
              message: 'The shared layer (src/core) imports neither the page nor the workers.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.svelte'],
    ignores: ['src/core/**', '**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)workers/(?!\\w[\\w-]*/protocol$)',
              message:
                'The page imports only worker protocols (workers/<name>/protocol) and the shared layer (src/core).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['workers/**/*.ts'],
    ignores: ['**/*.spec.ts', 'workers/*/protocol.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)src/(?!core/)|\\.svelte$',
              message: 'Workers import the shared layer (src/core) and protocols, never page code.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['workers/*/protocol.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\.\\./\\.\\./src/core/|\\.\\./[\\w-]+/protocol$)',
              message:
                'A protocol owns its types: it imports only other protocols and the shared layer (src/core).',
            },
          ],
        },
      ],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
);
