#!/usr/bin/env node
// Prints the reference expansion of a card template with some data, as the Adaptive Cards
// templating SDK produces it. The C# engine's parity test calls this and compares JSON values.
//   node expand.mjs <template> <data>
// <template>: a template name (kpis.status) or a path to a template file.
// <data>: a path to a JSON data file, or - for standard input.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cardsDir, expand } from './lib.mjs';

const [templateArg, dataArg] = process.argv.slice(2);
if (!templateArg || !dataArg) {
  console.error('usage: node expand.mjs <template name or path> <data.json | ->');
  process.exit(2);
}
const templatePath = existsSync(templateArg) ? templateArg : join(cardsDir, `${templateArg}.json`);
if (!existsSync(templatePath)) {
  console.error(`no template ${templateArg} (looked for ${templatePath})`);
  process.exit(2);
}
try {
  const template = JSON.parse(readFileSync(templatePath, 'utf8'));
  const data = JSON.parse(readFileSync(dataArg === '-' ? 0 : dataArg, 'utf8'));
  process.stdout.write(JSON.stringify(expand(template, data), null, 2) + '\n');
} catch (e) {
  console.error(`expansion failed: ${e.message}`);
  process.exit(1);
}
