// Hook for the Adaptive Card -> Block Kit translator: type-checks its output with Slack's own
// Block Kit types. Point BLOCKKIT_DIR at a folder of *.blocks.json files (each either a
// KnownBlock[] array or a message/view object with a "blocks" array); every file must satisfy
// KnownBlock[] from @slack/types under `tsc --noEmit --strict`.
//
// Why a generated .ts file: importing the JSON directly fails even for valid blocks, because
// TypeScript widens JSON string literals ("section" becomes string). An inline literal with
// `satisfies KnownBlock[]` keeps the literal types and checks every block.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { here } from './lib.mjs';

const dir = process.env.BLOCKKIT_DIR;

if (!dir) {
  test('Block Kit output type-checks against @slack/types', {
    skip: 'BLOCKKIT_DIR is not set: nothing to check. Set it to a folder of *.blocks.json files written by the C# translator.',
  }, () => {});
} else {
  const files = readdirSync(dir).filter((f) => f.endsWith('.blocks.json')).sort();

  test(`BLOCKKIT_DIR (${dir}) holds *.blocks.json files`, () => {
    assert.ok(files.length > 0, `no *.blocks.json in ${resolve(dir)}`);
  });

  if (files.length > 0) {
    const work = mkdtempSync(join(tmpdir(), 'blockkit-'));
    const tsFiles = files.map((f, i) => {
      const json = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      const blocks = Array.isArray(json) ? json : json.blocks;
      const ts = `case${i}.ts`;
      writeFileSync(join(work, ts),
        `// ${f}\nimport type { KnownBlock } from '@slack/types';\n` +
        `export const blocks = ${JSON.stringify(blocks ?? null, null, 2)} satisfies KnownBlock[];\n`);
      return { file: f, ts };
    });
    writeFileSync(join(work, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        skipLibCheck: true,
        types: [],
        baseUrl: '.',
        paths: { '@slack/types': [join(here, 'node_modules', '@slack', 'types')] },
      },
      files: tsFiles.map((t) => t.ts),
    }, null, 2));

    let output = '';
    try {
      execFileSync(process.execPath, [join(here, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.', '--pretty', 'false'],
        { cwd: work, encoding: 'utf8' });
    } catch (e) {
      output = `${e.stdout ?? ''}${e.stderr ?? ''}`;
    }

    for (const { file, ts } of tsFiles) {
      test(`${file} satisfies KnownBlock[]`, () => {
        const errors = output.split('\n').filter((line) => line.startsWith(`${ts}(`));
        assert.deepEqual(errors, [], `tsc errors for ${file} (generated ${join(work, ts)})`);
      });
    }
    test('tsc reported nothing outside the generated files', () => {
      const stray = output.split('\n').filter((l) => /error TS/.test(l) && !tsFiles.some((t) => l.includes(t.ts)));
      assert.deepEqual(stray, []);
      if (process.env.BLOCKKIT_KEEP !== '1') rmSync(work, { recursive: true, force: true });
    });
  }
}
