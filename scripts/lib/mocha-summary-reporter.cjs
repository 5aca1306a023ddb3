// Mocha reporter = the normal `spec` output for humans, plus the run's stats written as JSON to the file given by
// `--reporter-option summaryFile=<path>` so scripts/test.mjs can count passes/failures per stage without parsing
// text. No file means mocha died before the run ended (e.g. a test file failed to load): the caller counts that as
// a failure.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- mocha loads reporters with require(): CommonJS on purpose */
const fs = require('node:fs');
const Mocha = require('mocha');

class SpecWithSummary extends Mocha.reporters.Spec {
  constructor(runner, options = {}) {
    super(runner, options);
    const file = (options.reporterOption ?? options.reporterOptions ?? {}).summaryFile;
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      if (!file) return;
      const { passes = 0, failures = 0, pending = 0, tests = 0, duration = 0 } = runner.stats ?? {};
      fs.writeFileSync(file, JSON.stringify({ passes, failures, pending, tests, duration }));
    });
  }
}

module.exports = SpecWithSummary;
