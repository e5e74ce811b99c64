// Sums vitest JSON reports into the one line CI reads: `N passed, N failed`.
// A missing or unreadable report, a failed suite (e.g. a hook that threw), and a skipped or todo
// test all count as failures. Usage: node .ci/summarize.mjs <extra-failures> <extra-passes> <report.json>...
import { readFileSync } from 'node:fs';

const [extra, extraPassed, ...reports] = process.argv.slice(2);
let passed = Number(extraPassed) || 0;
let failed = Number(extra) || 0;
// named last, right above the summary line, so a CI log cut to its tail still says what failed
const failures = [];
for (const file of reports) {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8'));
    const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    if (skipped > 0) console.error(`${file}: ${skipped} test(s) skipped — counted as failed`);
    let brokenFiles = 0;
    for (const f of r.testResults ?? []) {
      const bad = (f.assertionResults ?? []).filter((a) => a.status !== 'passed');
      for (const a of bad) failures.push(`${a.status}: ${f.name} > ${a.fullName}: ${firstLine(a.failureMessages?.[0])}`);
      // a file that failed without a failed test (a hook or an import threw; its tests are then
      // skipped) counts once, and its own error is what says why
      if (f.status === 'failed' && !bad.some((a) => a.status === 'failed')) {
        brokenFiles += 1;
        failures.push(`failed: ${f.name}: ${firstLine(f.message)}`);
      }
    }
    passed += r.numPassedTests;
    failed += r.numFailedTests + brokenFiles + skipped;
    if (!r.success && r.numFailedTests + brokenFiles === 0) failed += 1;
  } catch (error) {
    console.error(`${file}: no test report (${error.message})`);
    failed += 1;
  }
}
for (const line of failures) console.log(line);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);

function firstLine(text) {
  return String(text ?? '')
    .split('\n', 1)[0]
    .slice(0, 300);
}
