// Sums vitest JSON reports into the one line CI reads: `N passed, N failed`.
// A missing or unreadable report, a failed suite (e.g. a hook that threw), and a skipped or todo
// test all count as failures. Usage: node .ci/summarize.mjs <extra-failures> <extra-passes> <report.json>...
import { readFileSync } from 'node:fs';

const [extra, extraPassed, ...reports] = process.argv.slice(2);
let passed = Number(extraPassed) || 0;
let failed = Number(extra) || 0;
for (const file of reports) {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8'));
    const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    if (skipped > 0) console.error(`${file}: ${skipped} test(s) skipped — counted as failed`);
    // a file that failed without a failed test (a hook or an import threw) counts once
    const brokenFiles = (r.testResults ?? []).filter(
      (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'),
    ).length;
    passed += r.numPassedTests;
    failed += r.numFailedTests + brokenFiles + skipped;
    if (!r.success && r.numFailedTests + brokenFiles === 0) failed += 1;
  } catch (error) {
    console.error(`${file}: no test report (${error.message})`);
    failed += 1;
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
