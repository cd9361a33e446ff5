import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** The layering rule of STYLE.md: domain libs import no framework or adapter. */
describe('boundary check (eslint no-restricted-imports)', () => {
  const root = path.resolve(__dirname, '../..');

  function lint(file: string, code: string): string {
    const run = spawnSync(
      process.execPath,
      [path.join(root, 'node_modules/eslint/bin/eslint.js'), '--stdin', '--stdin-filename', file, '--format', 'json'],
      {
        cwd: root,
        input: code,
        encoding: 'utf8',
      },
    );
    const [result] = JSON.parse(run.stdout) as Array<{ messages: Array<{ ruleId: string; message: string }> }>;
    return result.messages.map((m) => `${m.ruleId}: ${m.message}`).join('\n');
  }

  it.each([
    ['libs/ledger/src/x.ts', "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n"],
    ['libs/preprocessing/src/x.ts', "import Database from 'better-sqlite3';\nexport const x = Database;\n"],
    ['libs/ledger/src/x.ts', "import { EventStore } from '@1tt/event-store';\nexport const x = EventStore;\n"],
  ])('refuses an infrastructure import in the domain lib %s', (file, code) => {
    expect(lint(file, code)).toMatch(/no-restricted-imports: .*Domain libraries are pure/);
  });

  it('allows the same import outside the domain', () => {
    expect(lint('src/x.ts', "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n")).toBe('');
  });

  it('refuses a deep import into another lib', () => {
    expect(lint('src/x.ts', "import { x } from '@1tt/ledger/src/money';\nexport const y = x;\n")).toMatch(/only through its index/);
  });
});

/** Item 1 of issue 12: every append goes through the one command path (libs/command-path). */
describe('one command path (eslint no-restricted-syntax)', () => {
  const root = path.resolve(__dirname, '../..');

  function lint(file: string, code: string): string {
    const run = spawnSync(
      process.execPath,
      [path.join(root, 'node_modules/eslint/bin/eslint.js'), '--stdin', '--stdin-filename', file, '--format', 'json'],
      { cwd: root, input: code, encoding: 'utf8' },
    );
    const [result] = JSON.parse(run.stdout) as Array<{ messages: Array<{ ruleId: string; message: string }> }>;
    return result.messages.map((m) => `${m.ruleId}: ${m.message}`).join('\n');
  }

  const handBuilt = [
    "import type { EventStore } from '@1tt/event-store';",
    'export async function f(events: EventStore): Promise<void> {',
    "  await events.appendToStream('dataset-1', [{ type: 'X', data: {}, metadata: { actor: 'me', schemaVersion: 1 } }], {",
    "    expectedRevision: 'any',",
    '  });',
    '}',
    '',
  ].join('\n');

  it.each(['src/datasets/x.ts', 'apps/worker/src/x.ts', 'libs/dataset-processing/src/x.ts', 'libs/audit/src/x.ts'])(
    'refuses a hand-built append and metadata in %s',
    (file) => {
      const found = lint(file, handBuilt);
      expect(found).toMatch(/no-restricted-syntax: No appendToStream outside the store adapters/);
      expect(found).toMatch(/no-restricted-syntax: Event metadata is built in one place/);
      expect(found).toMatch(/no-restricted-syntax: schemaVersion comes from LEDGER_SCHEMA_VERSION/);
    },
  );

  it('refuses a metadata object built apart from the append', () => {
    expect(lint('src/x.ts', "export const metadata = { metadata: { correlationId: 'c', causationId: 'd' } };\n")).toMatch(
      /Event metadata is built in one place/,
    );
  });

  it('allows the append in the command path, the store adapters and tests', () => {
    for (const file of ['libs/command-path/src/x.ts', 'libs/event-store/src/x.ts', 'test/ledger/x.spec.ts', 'src/x.int.spec.ts']) {
      expect({ file, found: lint(file, handBuilt) }).toEqual({ file, found: '' });
    }
  });
});
