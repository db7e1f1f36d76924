// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'dist/**', 'web/dist/**', 'bench/out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use string-literal unions.' },
      ],
    },
  },
  {
    // plain-JavaScript entry points and build scripts run by Node itself
    files: ['bin/**/*.js', 'scripts/**/*.js'],
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', URL: 'readonly' },
    },
  },
  {
    // process.env is read only in platform/config.ts
    files: ['src/**/*.ts'],
    ignores: ['src/platform/config.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through src/platform/config.ts.' },
      ],
    },
  },
  {
    // modules write through one unit-of-work API: immediate on SQLite, retried on busy/serialization/deadlock
    files: ['src/modules/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use string-literal unions.' },
        {
          selector: 'CallExpression[callee.property.name=/^(transaction|startTransaction)$/]',
          message:
            'Write through writeTransaction (src/platform/db/transaction.ts): immediate, retried, exactly once.',
        },
        {
          selector:
            'TaggedTemplateExpression[tag.name="sql"] TemplateElement[value.raw=/^\\s*(begin|commit|rollback)\\b/i]',
          message:
            'Write through writeTransaction (src/platform/db/transaction.ts), not hand-made transactions.',
        },
      ],
    },
  },
  {
    // stats is pure: no I/O, no platform, no modules
    files: ['src/stats/**/*.ts'],
    ignores: ['src/stats/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', '../platform/*', '../modules/*', 'fs', 'path'],
              message: 'stats/ is pure math.',
            },
          ],
        },
      ],
    },
  },
  {
    // a module is imported only through its index.ts
    files: ['src/**/*.ts'],
    ignores: ['src/stats/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(\\.\\./)?modules/[^/]+/(?!index\\.ts$).+',
              message: 'Import a module through its index.ts.',
            },
            {
              regex: '^\\.\\./[a-z]+/(?!index\\.ts$)[^/]+\\.(repository|service|routes)\\.ts$',
              message: 'Import another module through its index.ts.',
            },
          ],
        },
      ],
    },
  },
);
