/**
 * The licence ids an upload may name (issue #14) are the SPDX list of the npm
 * package spdx-license-ids, pinned in package.json. The domain lib holds a
 * generated copy (libs/ledger/src/consent/spdx-license-ids.generated.ts): the
 * validation rule must not change under a replay because node_modules did.
 * This test fails when the pinned package and the copy drift apart; rerun
 * `node scripts/generate-spdx-ids.mjs` after bumping the package.
 */
import pkg from 'spdx-license-ids/package.json';
import ids from 'spdx-license-ids/index.json';
import deprecated from 'spdx-license-ids/deprecated.json';
import { SPDX_DEPRECATED_LICENSE_IDS, SPDX_LICENSE_IDS, SPDX_LICENSE_IDS_SOURCE } from '@1tt/ledger';

describe('SPDX licence ids', () => {
  it('the generated copy is the pinned spdx-license-ids package, id for id', () => {
    expect(SPDX_LICENSE_IDS_SOURCE).toBe(`${pkg.name}@${pkg.version}`);
    expect([...SPDX_LICENSE_IDS]).toEqual(ids);
    expect([...SPDX_DEPRECATED_LICENSE_IDS]).toEqual(deprecated);
    expect(SPDX_LICENSE_IDS).toEqual(expect.arrayContaining(['CC-BY-4.0', 'MIT', 'CC0-1.0', 'Apache-2.0']));
  });
});
