/** `npm run test:faults`: the crash and disk-fault suites (child processes, minutes), kept out of `npm test`. */
const base = require('../../jest.config.js');

module.exports = {
  ...base,
  rootDir: require('node:path').join(__dirname, '..', '..'),
  roots: ['<rootDir>/test/faults'],
  // Named *.fault-spec.ts so the root config (**/*.spec.ts, npm test) does not pick them up.
  testMatch: ['**/*.fault-spec.ts'],
  testTimeout: 300000,
  maxWorkers: 1,
  // fetch keeps sockets to the killed service open for a while; the suites close everything they start.
  forceExit: true,
};
