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
        if (t.status === 'pending' && /skipped:/.test(t.fullName)) skippedSuites.push(t.fullName);
      }
    }
    const unique = [...new Set(skippedSuites.map((n) => n.replace(/ ›.*$/, '')))];
    for (const name of unique) process.stdout.write(`SKIPPED ${name}\n`);
    process.stdout.write(
      `\ntests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests + results.numTodoTests} skipped\n`,
    );
  }
}
module.exports = SummaryReporter;
