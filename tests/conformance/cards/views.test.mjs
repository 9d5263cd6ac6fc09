// Type-checks whole Slack views (App Home, modals) written by the C# side with Slack's own types:
// every *.view.json in VIEWS_DIR must satisfy `View` from @slack/types under `tsc --noEmit --strict`
// (generated .ts with an inline literal, for the reason given in blockkit.test.mjs). A deliberately
// broken home view is checked alongside, to show the check catches one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { here } from './lib.mjs';

const dir = process.env.VIEWS_DIR;

if (!dir) {
  test('Slack views type-check against @slack/types', {
    skip: 'VIEWS_DIR is not set: nothing to check. Set it to a folder of *.view.json files written by the C# side.',
  }, () => {});
} else {
  const files = readdirSync(dir).filter((f) => f.endsWith('.view.json')).sort();

  test(`VIEWS_DIR (${dir}) holds *.view.json files`, () => {
    assert.ok(files.length > 0, `no *.view.json in ${resolve(dir)}`);
  });

  const work = mkdtempSync(join(tmpdir(), 'slack-views-'));
  const cases = files.map((f, i) => ({ file: f, ts: `view${i}.ts`, view: JSON.parse(readFileSync(join(dir, f), 'utf8')) }));
  cases.push({
    file: '(broken on purpose)',
    ts: 'broken.ts',
    view: { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x' }, accessory: { type: 'button', text: 'not a text object', action_id: 'a' } }] },
    broken: true,
  });
  for (const c of cases) {
    writeFileSync(join(work, c.ts),
      `// ${c.file}\nimport type { View } from '@slack/types';\nexport const view = ${JSON.stringify(c.view, null, 2)} satisfies View;\n`);
  }
  writeFileSync(join(work, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', skipLibCheck: true, types: [],
      baseUrl: '.', paths: { '@slack/types': [join(here, 'node_modules', '@slack', 'types')] },
    },
    files: cases.map((c) => c.ts),
  }, null, 2));

  let output = '';
  try {
    execFileSync(process.execPath, [join(here, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.', '--pretty', 'false'], { cwd: work, encoding: 'utf8' });
  } catch (e) {
    output = `${e.stdout ?? ''}${e.stderr ?? ''}`;
  }

  for (const c of cases) {
    test(c.broken ? 'a broken view is caught (the check is live)' : `${c.file} satisfies View`, () => {
      const errors = output.split('\n').filter((line) => line.startsWith(`${c.ts}(`));
      if (c.broken) {
        assert.ok(errors.length > 0, 'tsc accepted a button whose text is not a text object');
      } else {
        assert.deepEqual(errors, [], `tsc errors for ${c.file} (generated ${join(work, c.ts)})`);
      }
    });
  }
  test('tsc reported nothing outside the generated files', () => {
    const stray = output.split('\n').filter((l) => /error TS/.test(l) && !cases.some((c) => l.includes(c.ts)));
    assert.deepEqual(stray, []);
    if (process.env.VIEWS_KEEP !== '1') rmSync(work, { recursive: true, force: true });
  });
}
