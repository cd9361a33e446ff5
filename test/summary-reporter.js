/**
 * Prints one plain closing line ("N passed, N failed, N skipped") so that CI
 * can read the outcome without parsing Jest's own summary. Skipped suites
 * (adapters without a server) are listed by name so a skip is never silent.
 *
 * Under REQUIRE_SERVERS=1 (.ci/run) a suite skipped for "no server" fails
 * the run, except EventStoreDB's: no EventStoreDB server can run here. CI
 * starts PostgreSQL and FerretDB, so such a skip means an install or an
 * environment variable went missing, not that the server is absent.
 */
class SummaryReporter {
  constructor() {
    this.error = undefined;
  }

  onRunComplete(_contexts, results) {
    const skippedSuites = [];
    for (const file of results.testResults) {
      for (const t of file.testResults) {
        const suite = t.ancestorTitles.find((title) => /skipped:/.test(title));
        if (t.status === 'pending' && suite) skippedSuites.push(suite);
      }
    }
    const counts = new Map();
    for (const name of skippedSuites) counts.set(name, (counts.get(name) ?? 0) + 1);
    for (const [name, n] of counts) process.stdout.write(`SKIPPED ${name}: ${n} tests\n`);
    process.stdout.write(
      `\ntests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests + results.numTodoTests} skipped\n`,
    );
    if (process.env.REQUIRE_SERVERS === '1') {
      const missing = [...counts.keys()].filter((name) => /skipped: no server/.test(name) && !/EventStoreDB/.test(name));
      if (missing.length > 0) {
        this.error = new Error(`REQUIRE_SERVERS=1, yet these suites skipped for want of a server: ${missing.join('; ')}`);
        process.stdout.write(`FAILED (REQUIRE_SERVERS=1): ${missing.join('; ')}\n`);
      }
    }
  }

  getLastError() {
    return this.error;
  }
}
module.exports = SummaryReporter;
