// Static checks of infra/docker/Dockerfile and infra/docker/compose.yaml (no Docker engine is
// needed): the instructions the deployment relies on are there and the compose file is coherent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const dockerDir = path.join(root, 'infra/docker');

// Dockerfile instructions, continuation lines joined, comments dropped.
function instructions(text) {
  const out = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!current && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) { current += `${line.slice(0, -1)} `; continue; }
    current += line;
    const m = /^(\S+)\s*(.*)$/.exec(current);
    out.push({ op: m[1].toUpperCase(), args: m[2] });
    current = '';
  }
  return out;
}

const dockerfile = instructions(readFileSync(path.join(dockerDir, 'Dockerfile'), 'utf8'));
const stages = [];
for (const ins of dockerfile) {
  if (ins.op === 'FROM') stages.push({ from: ins.args, body: [] });
  else stages.at(-1)?.body.push(ins);
}
const final = stages.at(-1);
const finalOps = (op) => final.body.filter((i) => i.op === op).map((i) => i.args);

test('Dockerfile: SDK build stage publishes the bot, aspnet runtime stage', () => {
  assert.ok(stages.length >= 2, 'multi-stage');
  assert.match(stages[0].from, /^mcr\.microsoft\.com\/dotnet\/sdk:10\.0\b.* AS build$/i);
  assert.ok(stages[0].body.some((i) => i.op === 'RUN' && /dotnet publish bot\/GovernanceBot\b.*-c Release.*-o \/app/.test(i.args)));
  assert.match(final.from, /^mcr\.microsoft\.com\/dotnet\/aspnet:10\.0\b/);
  assert.ok(finalOps('COPY').some((a) => /--from=build \/app/.test(a)));
});

test('Dockerfile: port, non-root user, data volume, health check, entry point', () => {
  assert.deepEqual(finalOps('EXPOSE'), ['3978']);
  assert.ok(finalOps('ENV').some((a) => /ASPNETCORE_URLS=http:\/\/\+:3978\b/.test(a)));
  const users = finalOps('USER');
  assert.ok(users.length > 0 && !/^(root|0)$/.test(users.at(-1)), 'runs as a non-root user');
  assert.ok(finalOps('VOLUME').some((a) => a.includes('/app/data')));
  assert.ok(finalOps('HEALTHCHECK').some((a) => /CMD .*GovernanceBot\.dll.*healthcheck/.test(a)));
  assert.ok(finalOps('ENTRYPOINT').some((a) => /GovernanceBot\.dll/.test(a)));
  for (const ins of dockerfile) {
    assert.notEqual(ins.op, 'ADD', 'use COPY, not ADD');
  }
});

test('compose: bot + postgres:16 with a health check and the app configuration', () => {
  const doc = parseDocument(readFileSync(path.join(dockerDir, 'compose.yaml'), 'utf8'), { uniqueKeys: true });
  assert.deepEqual(doc.errors.map(String), []);
  const compose = doc.toJS();
  const { bot, postgres } = compose.services;
  assert.equal(postgres.image, 'postgres:16');
  assert.match(JSON.stringify(postgres.healthcheck.test), /pg_isready/);
  assert.equal(postgres.environment.POSTGRES_DB, 'governance');
  assert.equal(postgres.environment.POSTGRES_USER, 'governance');
  assert.match(postgres.environment.POSTGRES_PASSWORD, /^\$\{POSTGRES_PASSWORD:\?/);
  assert.equal(bot.depends_on.postgres.condition, 'service_healthy');
  assert.equal(bot.environment.Store__Provider, 'postgres');
  assert.match(bot.environment.ConnectionStrings__Governance,
    /^Host=postgres;Database=governance;Username=governance;Password=\$\{POSTGRES_PASSWORD:\?[^}]*\}$/);
  const context = path.resolve(dockerDir, bot.build.context);
  assert.equal(context, root, 'build context is the repository root');
  assert.ok(existsSync(path.join(context, bot.build.dockerfile)));
  assert.ok(bot.ports.some((p) => String(p).endsWith(':3978')));
  assert.ok(bot.volumes.some((v) => String(v).endsWith(':/app/data')));
});
