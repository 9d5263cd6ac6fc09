// Drives the real Microsoft 365 Agents Playground against the real bot in development mode:
// `help` shows the help card, `status Phoenix` the program status card, and pressing a card
// button (Action.Execute, as the Playground sends it) round-trips to a new card.
// Run: node --test tests/conformance/playground   (GOVERNANCEBOT_DLL may point at a built bot).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..', '..');
const playgroundCli = join(here, 'node_modules', '@microsoft', 'm365agentsplayground', 'cli.js');
const children = [];
const received = [];
const waiters = [];
let botPort, playgroundPort, config, socket, scratch;

const freePort = () => new Promise((ok, fail) => {
  const server = createServer();
  server.once('error', fail);
  server.listen(0, '127.0.0.1', () => { const { port } = server.address(); server.close(() => ok(port)); });
});

async function until(what, probe, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try { const value = await probe(); if (value) return value; } catch { /* not up yet */ }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 250));
  }
}

function start(command, args, options, name) {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = [];
  child.stdout.on('data', d => log.push(d.toString()));
  child.stderr.on('data', d => log.push(d.toString()));
  child.on('exit', code => { if (code && code !== 143) log.push(`${name} exited ${code}`); });
  children.push({ child, log, name });
  return child;
}

function botDll() {
  if (process.env.GOVERNANCEBOT_DLL) return process.env.GOVERNANCEBOT_DLL;
  const dll = join(repo, 'bot', 'GovernanceBot', 'bin', 'Debug', 'net10.0', 'GovernanceBot.dll');
  if (!existsSync(dll)) {
    const build = spawnSync('dotnet', ['build', join(repo, 'bot', 'GovernanceBot'), '-nologo', '-v', 'q'], { encoding: 'utf8' });
    assert.equal(build.status, 0, build.stdout + build.stderr);
  }
  return dll;
}

/** The next bot activity in the conversation that satisfies the predicate. */
function nextActivity(predicate, what, timeoutMs = 30_000) {
  const index = received.findIndex(predicate);
  if (index >= 0) return Promise.resolve(received.splice(index, 1)[0]);
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`no ${what} within ${timeoutMs} ms; got ${JSON.stringify(received).slice(0, 2000)}`)), timeoutMs);
    waiters.push({ predicate, ok: a => { clearTimeout(timer); ok(a); } });
  });
}

function onBotActivity(activity) {
  const waiter = waiters.find(w => w.predicate(activity));
  if (waiter) { waiters.splice(waiters.indexOf(waiter), 1); waiter.ok(activity); } else received.push(activity);
}

/** Bot messages arrive on the Playground's conversation stream as {action, message} envelopes. */
function activitiesIn(envelope) {
  const message = envelope?.message;
  if (!message || !['createMessage', 'updateMessage'].includes(envelope.action) || message.from?.id === config.currentUser.id) return [];
  return [{ ...message, id: message.messageId ?? message.id, action: envelope.action }];
}

const cardOf = activity => activity.attachments?.find(a => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
const cardText = card => JSON.stringify(card);
const pg = path => `http://127.0.0.1:${playgroundPort}${path}`;

async function say(text) {
  const response = await fetch(pg(`/_conversation/v1/conversations/${encodeURIComponent(config.personalChat.id)}/messages`), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from: { id: config.currentUser.id }, text, textFormat: 'plain' }),
  });
  assert.equal(response.status, 200, await response.text());
}

before(async () => {
  botPort = await freePort();
  playgroundPort = await freePort();
  scratch = mkdtempSync(join(tmpdir(), 'gb-playground-'));
  const env = { ...process.env, DOTNET_NOLOGO: '1', Teams__AppId: '', Slack__SigningSecret: '' };
  start('dotnet', [botDll(), '--urls', `http://127.0.0.1:${botPort}`, `--Store:SqlitePath=${join(scratch, 'governance.db')}`],
    { cwd: scratch, env }, 'bot');
  await until('the bot', async () => (await fetch(`http://127.0.0.1:${botPort}/readyz`)).ok);

  start(process.execPath, [playgroundCli, '-e', `http://127.0.0.1:${botPort}/api/messages`, '-c', 'msteams', '-p', String(playgroundPort), '--disable-telemetry'],
    { cwd: scratch, env: { ...process.env, TEAMSAPPTESTER_BROWSER: 'none' } }, 'playground');
  config = (await until('the Playground', async () => (await fetch(pg('/_internal/v1/config'))).ok && (await fetch(pg('/_internal/v1/config'))).json())).config;

  socket = new WebSocket(`ws://127.0.0.1:${playgroundPort}/_ws_conversation/v1/conversations/stream`);
  socket.on('message', data => { try { activitiesIn(JSON.parse(data.toString())).forEach(onBotActivity); } catch { /* not JSON */ } });
  await new Promise((ok, fail) => { socket.once('open', ok); socket.once('error', fail); });
});

after(() => {
  socket?.close();
  for (const { child } of children) child.kill('SIGTERM');
  if (process.exitCode) for (const { name, log } of children) console.error(`--- ${name} ---\n${log.join('').split('\n').filter(l => /Teams|Outbox|fail|error|exception|warn/i.test(l) && !/DbCommand/.test(l)).slice(-60).join('\n')}`);
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test('the Playground\'s mock users are the people of samples/phoenix.yaml', () => {
  const emails = [config.currentUser, ...config.users].map(u => u.email);
  for (const email of ['alexw@example.com', 'meganb@example.com', 'adelev@example.com', 'isaiahl@example.com', 'pattif@example.com', 'lynner@example.com']) {
    assert.ok(emails.includes(email), `${email} is not a Playground user: ${emails.join(', ')}`);
  }
});

test('help shows the help card', async () => {
  await say('help');
  const reply = await nextActivity(a => cardOf(a) && /What I can do/.test(cardText(cardOf(a))), 'help card');
  assert.equal(cardOf(reply).type, 'AdaptiveCard');
  assert.match(cardText(cardOf(reply)), /status/);
});

test('status Phoenix shows the program status card with Phoenix\'s numbers', async () => {
  await say('status Phoenix');
  const reply = await nextActivity(a => cardOf(a) && cardText(cardOf(a)).includes('Phoenix'), 'status card');
  assert.match(cardText(cardOf(reply)), /Build phase/);
});

test('a card button round-trips: Action.Execute on the help card runs its command and shows the next card', async () => {
  await say('help');
  const helpCard = await nextActivity(a => cardOf(a) && /What I can do/.test(cardText(cardOf(a))), 'help card');
  const actions = [];
  const collect = node => {
    if (!node || typeof node !== 'object') return;
    if (node.type === 'Action.Execute') actions.push(node);
    for (const value of Object.values(node)) if (value && typeof value === 'object') collect(value);
  };
  collect(cardOf(helpCard));
  // A button that runs a command (help.run) routes on every build; feature verbs arrive with their features.
  const runs = actions.filter(a => a.verb === 'help.run' && a.data?.command && a.data.command !== 'help');
  const action = runs.find(a => /^status/.test(a.data.command)) ?? runs[0];
  assert.ok(action, `the help card has a help.run button: ${cardText(cardOf(helpCard)).slice(0, 1500)}`);

  const response = await fetch(pg('/_conversation/v1/invoke'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'adaptiveCard/action',
      from: { id: config.currentUser.id },
      conversation: { id: config.personalChat.id },
      replyToId: helpCard.id,
      value: { action: { type: 'Action.Execute', id: action.id, verb: action.verb, data: action.data ?? {} }, trigger: 'manual' },
    }),
  });
  const body = await response.text();
  assert.equal(response.status, 200, body);
  const answer = JSON.parse(body);
  assert.ok(['application/vnd.microsoft.card.adaptive', 'application/vnd.microsoft.activity.message'].includes(answer.type), body);
  assert.doesNotMatch(body, /can no longer act on|went wrong/, body);
  if (answer.type === 'application/vnd.microsoft.card.adaptive') {
    assert.equal(answer.value.type, 'AdaptiveCard');
  } else {
    // The command's answer is posted into the chat, as if it had been typed.
    const next = await nextActivity(a => Boolean(cardOf(a) || a.text), `an answer after pressing "${action.title}" (${action.data.command})`);
    if (/^status/.test(action.data.command)) assert.equal(cardOf(next)?.type, 'AdaptiveCard');
  }
});
