// Checks infra/slack/manifest.yaml: it parses as YAML, has the shape of a Slack app manifest,
// points every request URL at GovernanceBot's endpoints on one host, subscribes only to known
// events (each covered by a requested scope) and requests exactly the bot scopes the code uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const text = readFileSync(path.join(root, 'infra/slack/manifest.yaml'), 'utf8');

// The scopes GovernanceBot's Slack code needs (see reference/platforms.md B2-B5; files:write for exports sent as files).
const EXPECTED_BOT_SCOPES = [
  'app_mentions:read', 'channels:history', 'chat:write', 'commands', 'files:write', 'groups:history', 'im:history', 'im:write',
  'users:read', 'users:read.email',
];

// Slack Events API event types a bot may subscribe to, with the scope each needs ('' = none).
const KNOWN_BOT_EVENTS = {
  app_home_opened: '',
  app_mention: 'app_mentions:read',
  app_uninstalled: '',
  tokens_revoked: '',
  member_joined_channel: 'channels:read',
  member_left_channel: 'channels:read',
  'message.channels': 'channels:history',
  'message.groups': 'groups:history',
  'message.im': 'im:history',
  'message.mpim': 'mpim:history',
  reaction_added: 'reactions:read',
  reaction_removed: 'reactions:read',
  team_join: 'users:read',
  user_change: 'users:read',
};

// The endpoints GovernanceBot serves for Slack.
const ENDPOINTS = {
  commands: '/slack/commands',
  events: '/slack/events',
  interactions: '/slack/interactions',
  oauthCallback: '/slack/oauth/callback',
};

const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
const manifest = doc.toJS();

test('parses as YAML without errors or warnings', () => {
  assert.deepEqual(doc.errors.map(String), []);
  assert.deepEqual(doc.warnings.map(String), []);
  assert.equal(typeof manifest, 'object');
});

test('top-level and settings keys are Slack manifest keys', () => {
  const topLevel = ['_metadata', 'display_information', 'features', 'oauth_config', 'settings',
    'outgoing_domains', 'functions', 'workflows', 'types', 'datastores'];
  for (const k of Object.keys(manifest)) assert.ok(topLevel.includes(k), `unknown top-level key ${k}`);
  for (const k of ['display_information', 'features', 'oauth_config', 'settings']) assert.ok(manifest[k], `missing ${k}`);
  const settingsKeys = ['allowed_ip_address_ranges', 'event_subscriptions', 'interactivity', 'org_deploy_enabled',
    'socket_mode_enabled', 'token_rotation_enabled', 'is_hosted', 'function_runtime', 'siws_links'];
  for (const k of Object.keys(manifest.settings)) assert.ok(settingsKeys.includes(k), `unknown settings key ${k}`);
});

test('display information within Slack limits', () => {
  const d = manifest.display_information;
  assert.equal(d.name, 'GovernanceBot');
  assert.ok(d.name.length <= 35);
  assert.ok(d.description && d.description.length <= 140, `description length ${d.description?.length}`);
  if (d.long_description !== undefined) {
    assert.ok(d.long_description.length >= 175 && d.long_description.length <= 4000,
      `long_description length ${d.long_description.length}`);
  }
  if (d.background_color !== undefined) assert.match(d.background_color, /^#[0-9a-fA-F]{6}$/);
});

test('bot user GovernanceBot, always online, reachable by DM', () => {
  const f = manifest.features;
  assert.equal(f.bot_user.display_name, 'GovernanceBot');
  assert.equal(f.bot_user.always_online, true);
  assert.equal(f.app_home?.messages_tab_enabled, true, 'message.im needs the Messages tab');
  assert.equal(f.app_home?.home_tab_enabled, true, 'app_home_opened publishes the Home tab');
  assert.notEqual(f.app_home?.messages_tab_read_only_enabled, true);
});

test('slash command /gov with a usage hint', () => {
  const cmds = manifest.features.slash_commands;
  assert.equal(cmds.length, 1);
  const gov = cmds[0];
  assert.equal(gov.command, '/gov');
  assert.ok(gov.description && gov.description.length <= 2000);
  assert.ok(gov.usage_hint && gov.usage_hint.length <= 1000);
  assert.equal(new URL(gov.url).pathname, ENDPOINTS.commands);
});

test('bot scopes are exactly the scopes the code uses; no user scopes', () => {
  const scopes = manifest.oauth_config.scopes;
  assert.ok(Array.isArray(scopes.bot), 'oauth_config.scopes.bot is a list');
  assert.deepEqual([...scopes.bot].sort(), [...EXPECTED_BOT_SCOPES].sort());
  assert.equal(new Set(scopes.bot).size, scopes.bot.length, 'duplicate scope');
  assert.equal(scopes.user, undefined);
});

test('events: known event types, each covered by a requested scope', () => {
  const events = manifest.settings.event_subscriptions.bot_events;
  assert.deepEqual([...events].sort(), ['app_home_opened', 'app_mention', 'app_uninstalled', 'message.im', 'tokens_revoked']);
  for (const e of events) {
    assert.ok(Object.hasOwn(KNOWN_BOT_EVENTS, e), `unknown event ${e}`);
    const needs = KNOWN_BOT_EVENTS[e];
    if (needs) assert.ok(manifest.oauth_config.scopes.bot.includes(needs), `${e} needs scope ${needs}`);
  }
});

test('request URLs: https, one host, GovernanceBot endpoints', () => {
  const urls = {
    commands: manifest.features.slash_commands[0].url,
    events: manifest.settings.event_subscriptions.request_url,
    interactions: manifest.settings.interactivity.request_url,
    oauthCallback: manifest.oauth_config.redirect_urls[0],
  };
  assert.equal(manifest.oauth_config.redirect_urls.length, 1);
  const hosts = new Set();
  for (const [k, u] of Object.entries(urls)) {
    const url = new URL(u);
    assert.equal(url.protocol, 'https:', k);
    assert.equal(url.pathname, ENDPOINTS[k], k);
    assert.equal(url.search, '', k);
    hosts.add(url.host);
  }
  assert.deepEqual([...hosts], ['your_host'], 'every URL uses the YOUR_HOST placeholder host');
  assert.equal(manifest.settings.interactivity.is_enabled, true);
});

test('settings: HTTP delivery, no org deploy, no token rotation', () => {
  const s = manifest.settings;
  assert.equal(s.org_deploy_enabled, false);
  assert.equal(s.socket_mode_enabled, false);
  assert.equal(s.token_rotation_enabled, false);
});
