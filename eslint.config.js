// ESLint (typescript-eslint) for every package, demo, e2e, bench and scripts; formatting is Prettier's (issue #17).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.types/**',
      'bench/.cache/**',
      'data/**',
      'test-results/**',
      'playwright-report/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // The tracker's size-minded `a && b()`; a catch that ignores storage or network errors says so by being empty.
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      'no-empty': ['error', { allowEmptyCatch: true }],
      // `_name` marks a value left out on purpose (destructuring a field away, an unused parameter of a callback).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  // Tests read answers of any shape (that is what they check); the source keeps real types.
  { files: ['**/test/**', 'e2e/**', 'bench/**'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  {
    files: ['packages/tracker/src/**', 'demo/src/**', 'e2e/fixtures/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  prettier,
);
