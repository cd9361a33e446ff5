/**
 * Prints one plain closing line ("N passed, N failed, N skipped") so that CI
 * can read the outcome without parsing Jest's own summary. Skipped suites
 * (adapters without a server) are listed by name so a skip is never silent.
 */
class SummaryReporter {
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
  }
}
module.exports = SummaryReporter;
