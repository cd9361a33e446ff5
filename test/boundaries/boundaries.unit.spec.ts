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
