// Slack's own request verifier (@slack/bolt) judges the signatures GovernanceBot's C# signer made.
// fixtures.json is written and kept current by the C# test SlackSignatureConformanceTests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { isValidSlackRequest } = require('@slack/bolt');
const fixtures = JSON.parse(readFileSync(new URL('./fixtures.json', import.meta.url), 'utf8'));

test('the fixture file has accepted and forged cases', () => {
  assert.ok(fixtures.cases.filter((c) => c.valid).length >= 4);
  assert.ok(fixtures.cases.filter((c) => !c.valid).length >= 6);
});

for (const fixture of fixtures.cases) {
  test(`bolt ${fixture.bolt ? 'accepts' : 'refuses'}: ${fixture.name}`, () => {
    const valid = isValidSlackRequest({
      signingSecret: fixtures.secret,
      body: fixture.body,
      headers: {
        'x-slack-signature': fixture.signature,
        'x-slack-request-timestamp': Number(fixture.timestamp),
      },
      nowMilliseconds: fixtures.nowMilliseconds,
    });
    assert.equal(valid, fixture.bolt);
  });
}
