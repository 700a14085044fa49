// ESLint for the whole repository (ADR 0017): typescript-eslint's type-aware recommended rules
// over every TypeScript source, ESLint's recommended rules over the plain JavaScript scripts, and
// eslint-config-prettier last so that no rule argues with Prettier about layout.
// typescript-eslint reads types through the TypeScript 6 JS API (`typescript` in package.json);
// the build itself is TypeScript 7 (`@typescript/native`).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const unusedVars = [
  'error',
  { args: 'after-used', argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
];

export default defineConfig(
  {
    ignores: ['**/dist/', '**/node_modules/', '**/coverage/', '**/.turbo/', '**/.data/', 'e2e/artifacts/', '**/*.tsbuildinfo'],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          // The launcher's hand-written declarations sit beside its JavaScript, outside any tsconfig.
          allowDefaultProject: ['packages/launcher/bin/*.d.ts'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Many async methods implement an async port without awaiting anything themselves.
      '@typescript-eslint/require-await': 'off',
      'no-unused-vars': 'off',
      '@typescript-eslint/no-unused-vars': unusedVars,
    },
  },
  {
    // Plain JavaScript (build scripts, jest's config, module hooks, the browser dashboard): no type information.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['services/gateway/dashboard/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser } },
  },
  prettier,
);
