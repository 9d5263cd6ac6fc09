// Validates infra/teams/manifest.json against the Teams app manifest JSON schema bundled in
// npm @microsoft/app-manifest (offline: the schema is read from node_modules and handed to the
// validator, so nothing is fetched), and checks the icons the manifest names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const require = createRequire(import.meta.url);
const { AppManifestUtils } = require('@microsoft/app-manifest');

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const teamsDir = path.join(root, 'infra/teams');
const manifestText = readFileSync(path.join(teamsDir, 'manifest.json'), 'utf8');
const TEST_APP_ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const TEST_HOST = 'governance.example.com';
const manifest = JSON.parse(manifestText.replaceAll('{{APP_ID}}', TEST_APP_ID).replaceAll('{{DASHBOARD_HOST}}', TEST_HOST));

// The commands GovernanceBot's router understands (see DESIGN.md and the bot's help).
const EXPECTED_COMMANDS = [
  'help', 'programs', 'status', 'link', 'kpis', 'kpi', 'benefits',
  'checkin', 'checkin status', 'approvals', 'decisions', 'ask',
];

function bundledSchemaPath(schemaUrl) {
  const m = /^https:\/\/developer\.microsoft\.com\/(?:[a-z]{2}(?:-[a-z]{2})?\/)?json-schemas\/teams\/(v[0-9.]+|vDevPreview)\/MicrosoftTeams\.schema\.json$/i.exec(schemaUrl);
  assert.ok(m, `$schema is not a Teams manifest schema URL: ${schemaUrl}`);
  const pkgDir = path.dirname(require.resolve('@microsoft/app-manifest/package.json'));
  return path.join(pkgDir, 'build/json-schemas/teams', m[1], 'MicrosoftTeams.schema.json');
}

test('placeholders: {{APP_ID}} for id and botId, {{DASHBOARD_HOST}} for the tabs and valid domains', () => {
  const placeholders = [...new Set(manifestText.match(/\{\{[^}]*\}\}/g) ?? [])].sort();
  assert.deepEqual(placeholders, ['{{APP_ID}}', '{{DASHBOARD_HOST}}']);
  const raw = JSON.parse(manifestText);
  assert.equal(raw.id, '{{APP_ID}}');
  assert.equal(raw.bots[0].botId, '{{APP_ID}}');
  assert.deepEqual(raw.validDomains, ['{{DASHBOARD_HOST}}']);
});

test("tabs: a personal dashboard tab and a configurable channel tab, on the bot's own https host", () => {
  assert.deepEqual(manifest.staticTabs.map((t) => [t.entityId, t.scopes]), [['dashboard', ['personal']]]);
  assert.equal(manifest.staticTabs[0].contentUrl, `https://${TEST_HOST}/dashboard/teams`);
  const [channel] = manifest.configurableTabs;
  assert.equal(channel.configurationUrl, `https://${TEST_HOST}/dashboard/teams/configure`);
  assert.ok(channel.scopes.includes('team'));
});

test('manifest version is 1.19 or newer and matches $schema', () => {
  const [major, minor] = manifest.manifestVersion.split('.').map(Number);
  assert.ok(major > 1 || (major === 1 && minor >= 19), `manifestVersion ${manifest.manifestVersion} < 1.19`);
  assert.ok(manifest.$schema.includes(`/v${manifest.manifestVersion}/`), '$schema and manifestVersion disagree');
});

test('validates against the bundled schema, offline', async () => {
  const schemaFile = bundledSchemaPath(manifest.$schema);
  assert.ok(existsSync(schemaFile), `no bundled schema at ${schemaFile}`);
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
  const errors = await AppManifestUtils.validateAgainstSchema(manifest, schema);
  assert.deepEqual(errors, [], `schema errors:\n${errors.join('\n')}`);
});

test('with Teams single sign-on for the tab (as teams-package --sso-client-id writes it), validates too', async () => {
  const schema = JSON.parse(readFileSync(bundledSchemaPath(manifest.$schema), 'utf8'));
  const withSso = structuredClone(manifest);
  withSso.webApplicationInfo = { id: TEST_APP_ID, resource: `api://${TEST_HOST}/${TEST_APP_ID}` };
  const errors = await AppManifestUtils.validateAgainstSchema(withSso, schema);
  assert.deepEqual(errors, [], `schema errors:\n${errors.join('\n')}`);
});

test('the schema validation catches a broken manifest (the check is live)', async () => {
  const schema = JSON.parse(readFileSync(bundledSchemaPath(manifest.$schema), 'utf8'));
  const broken = structuredClone(manifest);
  broken.bots[0].scopes = ['personal', 'everywhere'];
  broken.accentColor = 'blue';
  const errors = await AppManifestUtils.validateAgainstSchema(broken, schema);
  assert.ok(errors.length >= 2, `expected errors, got ${JSON.stringify(errors)}`);
});

test('bot: personal, team and groupChat scopes, no files, conversational', () => {
  assert.equal(manifest.bots.length, 1);
  const bot = manifest.bots[0];
  assert.deepEqual([...bot.scopes].sort(), ['groupChat', 'personal', 'team']);
  assert.equal(bot.supportsFiles, false);
  assert.notEqual(bot.isNotificationOnly, true);
});

test('command lists: every scope lists exactly the bot commands, within Teams limits', () => {
  const bot = manifest.bots[0];
  const covered = new Set();
  for (const list of bot.commandLists) {
    list.scopes.forEach((s) => covered.add(s));
    assert.deepEqual(list.commands.map((c) => c.title), EXPECTED_COMMANDS);
    for (const c of list.commands) {
      assert.ok(c.title.length <= 32, `title too long: ${c.title}`);
      assert.ok(c.description.length > 0 && c.description.length <= 128, `description length ${c.description.length}: ${c.title}`);
    }
  }
  assert.deepEqual([...covered].sort(), [...bot.scopes].sort());
});

test('developer URLs are placeholders on example.com; validDomains empty or placeholder', () => {
  for (const key of ['websiteUrl', 'privacyUrl', 'termsOfUseUrl']) {
    const u = new URL(manifest.developer[key]);
    assert.equal(u.protocol, 'https:');
    assert.equal(u.hostname, 'example.com', key);
  }
  for (const d of manifest.validDomains ?? []) {
    assert.match(d, /example\.com$|\{\{/, `validDomains entry ${d}`);
  }
});

// --- icons -------------------------------------------------------------------------------------

function readPng(file) {
  const buf = readFileSync(file);
  assert.deepEqual([...buf.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${file}: not a PNG`);
  let pos = 8;
  let ihdr = null;
  const idat = [];
  let hasTrns = false;
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      ihdr = {
        width: data.readUInt32BE(0), height: data.readUInt32BE(4),
        bitDepth: data[8], colorType: data[9], interlace: data[12],
      };
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'tRNS') hasTrns = true;
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  assert.ok(ihdr, `${file}: no IHDR`);
  return { ...ihdr, hasTrns, idat: Buffer.concat(idat) };
}

// Decodes an 8-bit, non-interlaced RGBA PNG into a Buffer of RGBA pixels.
function decodeRgba(png) {
  assert.equal(png.colorType, 6, 'expected RGBA (colour type 6)');
  assert.equal(png.bitDepth, 8);
  assert.equal(png.interlace, 0);
  const raw = zlib.inflateSync(png.idat);
  const bpp = 4;
  const stride = png.width * bpp;
  const out = Buffer.alloc(stride * png.height);
  for (let y = 0; y < png.height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[y * stride + x - bpp] : 0;
      const b = y > 0 ? out[(y - 1) * stride + x] : 0;
      const c = x >= bpp && y > 0 ? out[(y - 1) * stride + x - bpp] : 0;
      let v = line[x];
      switch (filter) {
        case 0: break;
        case 1: v += a; break;
        case 2: v += b; break;
        case 3: v += (a + b) >> 1; break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
          v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: assert.fail(`unknown PNG filter ${filter}`);
      }
      out[y * stride + x] = v & 0xff;
    }
  }
  return out;
}

test('color icon: 192x192 PNG, full colour', () => {
  const png = readPng(path.join(teamsDir, manifest.icons.color));
  assert.equal(png.width, 192);
  assert.equal(png.height, 192);
  assert.ok([2, 6].includes(png.colorType), `colour type ${png.colorType} is not truecolour`);
  if (png.colorType === 6) {
    const px = decodeRgba(png);
    const colours = new Set();
    for (let i = 0; i < px.length; i += 4) colours.add(px.readUInt32BE(i) >>> 8);
    assert.ok(colours.size > 2, 'color icon has fewer than 3 colours');
  }
});

test('outline icon: 32x32 PNG, white on transparent', () => {
  const png = readPng(path.join(teamsDir, manifest.icons.outline));
  assert.equal(png.width, 32);
  assert.equal(png.height, 32);
  const px = decodeRgba(png);
  let transparent = 0;
  let opaque = 0;
  for (let i = 0; i < px.length; i += 4) {
    const [r, g, b, a] = px.subarray(i, i + 4);
    if (a === 0) transparent++;
    else {
      assert.ok(r === 255 && g === 255 && b === 255, `non-white visible pixel at ${i / 4}: ${r},${g},${b},${a}`);
      if (a === 255) opaque++;
    }
  }
  assert.ok(transparent >= 32 * 32 * 0.4, `only ${transparent} transparent pixels`);
  assert.ok(opaque >= 32, `only ${opaque} opaque pixels: the symbol is missing`);
  for (const [x, y] of [[0, 0], [31, 0], [0, 31], [31, 31]]) {
    assert.equal(px[(y * 32 + x) * 4 + 3], 0, `corner ${x},${y} is not transparent`);
  }
});
