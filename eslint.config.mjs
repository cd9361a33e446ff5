// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Domain libraries stay pure: no framework, no adapter, no infrastructure
 * client. This is the boundary check of the layering (see STYLE.md); the
 * test in test/boundaries proves it fires.
 */
export const DOMAIN_LIBS = ['libs/domain-errors/**', 'libs/canonical-json/**', 'libs/ledger/**', 'libs/preprocessing/**'];
const infrastructure = [
  '@nestjs/*',
  'express',
  'better-sqlite3',
  '@eventstore/*',
  'mongodb',
  'busboy',
  'node:fs',
  'fs',
  'node:worker_threads',
  '@1tt/event-store',
  '@1tt/read-models',
  '@1tt/blob-store',
  '@1tt/config',
];

/**
 * The one command path (libs/command-path): outside it and the store
 * adapters, nothing appends to the log or builds event metadata by hand.
 * test/boundaries proves the rule fires.
 */
export const COMMAND_PATH_EXEMPT = ['libs/command-path/**', 'libs/event-store/**', '**/*.spec.ts', '**/*.contract.ts'];
const commandPath = 'append through the one command path: decideOnStream (or appendDecided) from @1tt/command-path';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'data/**',
      'test-output/**',
      'apps/dashboard/web/dist/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@1tt/*/*'], message: 'Import a lib only through its index: @1tt/<lib>.' },
            { group: ['**/libs/*/src/**'], message: 'Import another lib through its @1tt/<lib> alias.' },
          ],
        },
      ],
    },
  },
  {
    files: DOMAIN_LIBS.map((g) => g.replace('/**', '/**/*.ts')),
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@1tt/*/*'], message: 'Import a lib only through its index: @1tt/<lib>.' },
            { group: infrastructure, message: 'Domain libraries are pure: no framework, adapter or I/O imports.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts', 'apps/**/*.ts', 'libs/**/*.ts'],
    ignores: COMMAND_PATH_EXEMPT,
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='appendToStream']",
          message: `No appendToStream outside the store adapters: ${commandPath}.`,
        },
        {
          selector:
            "Property[key.name='metadata'] > ObjectExpression > Property[key.name=/^(actor|correlationId|causationId|schemaVersion)$/]",
          message: `Event metadata is built in one place (eventMetadata): ${commandPath}.`,
        },
        {
          selector: "Property[key.name='schemaVersion']",
          message: `schemaVersion comes from LEDGER_SCHEMA_VERSION, written by eventMetadata: ${commandPath}.`,
        },
      ],
    },
  },
);
