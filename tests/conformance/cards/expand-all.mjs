#!/usr/bin/env node
// Prints the reference expansion of every template x sample (normal and large) as one JSON object
// keyed "<name>" or "<name>.large". The C# parity test runs this once instead of one node process
// per case. A case the reference engine cannot expand is reported as {"$error": message}.
import { caseLabel, cases, expandFiles } from './lib.mjs';

const result = {};
for (const c of cases()) {
  const key = c.variant === 'large' ? `${c.name}.large` : c.name;
  try {
    result[key] = expandFiles(c.templatePath, c.dataPath);
  } catch (e) {
    result[key] = { $error: `${caseLabel(c)}: ${e.message}` };
  }
}
process.stdout.write(JSON.stringify(result) + '\n');
