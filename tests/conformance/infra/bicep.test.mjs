// Builds and lints infra/azure/main.bicep with the Bicep CLI (through bicep.sh, which fetches the
// CLI from NuGet once) and fails on any error or warning. Then checks the compiled ARM template
// against main.parameters.json and the resources GovernanceBot needs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const azureDir = path.join(root, 'infra/azure');
const compiledPath = path.join(here, '.bicep/out/main.json');

let run;
function bicep() {
  run ??= spawnSync('bash', [path.join(here, 'bicep.sh')], {
    cwd: root, encoding: 'utf8', timeout: 10 * 60 * 1000,
  });
  return run;
}

test('bicep build and lint: zero errors, zero warnings', { timeout: 11 * 60 * 1000 }, () => {
  const r = bicep();
  const output = `${r.stdout}\n${r.stderr}`;
  const diagnostics = output.split('\n').filter((l) => /: (Warning|Error) /.test(l));
  assert.deepEqual(diagnostics, [], 'bicep reported diagnostics');
  assert.equal(r.error, undefined, String(r.error));
  assert.equal(r.status, 0, output);
  assert.match(r.stdout, /0 errors, 0 warnings/);
});

function compiled() {
  assert.equal(bicep().status, 0, 'bicep.sh failed');
  return JSON.parse(readFileSync(compiledPath, 'utf8'));
}

// Every resource in the template, nested deployments (modules) included.
function allResources(template) {
  const out = [];
  const visit = (t) => {
    const resources = Array.isArray(t.resources) ? t.resources : Object.values(t.resources ?? {});
    for (const r of resources) {
      out.push(r);
      if (r.type === 'Microsoft.Resources/deployments' && r.properties?.template) visit(r.properties.template);
    }
  };
  visit(template);
  return out;
}

test('main.parameters.json matches the template parameters and holds no secrets', () => {
  const template = compiled();
  const file = JSON.parse(readFileSync(path.join(azureDir, 'main.parameters.json'), 'utf8'));
  assert.match(file.$schema, /deploymentParameters\.json#$/);
  const declared = template.parameters;
  const jsType = { string: 'string', securestring: 'string', int: 'number', bool: 'boolean', object: 'object', array: 'object' };
  for (const [name, { value }] of Object.entries(file.parameters)) {
    const p = declared[name];
    assert.ok(p, `parameter ${name} is not declared in main.bicep`);
    assert.notEqual(p.type, 'securestring', `secure parameter ${name} must not be in the parameters file`);
    assert.equal(typeof value, jsType[p.type], `parameter ${name}: type`);
    if (p.allowedValues) assert.ok(p.allowedValues.includes(value), `parameter ${name}: ${value} not allowed`);
    if (p.minValue !== undefined) assert.ok(value >= p.minValue, `parameter ${name}: below minValue`);
    if (p.maxValue !== undefined) assert.ok(value <= p.maxValue, `parameter ${name}: above maxValue`);
  }
  const required = Object.entries(declared).filter(([, p]) => !('defaultValue' in p)).map(([n, p]) => [n, p.type]);
  for (const [name, type] of required) {
    if (type !== 'securestring') assert.ok(name in file.parameters, `required parameter ${name} missing from the parameters file`);
  }
});

test('template deploys what GovernanceBot needs', () => {
  const resources = allResources(compiled());
  const byType = (type) => resources.filter((r) => r.type.toLowerCase() === type.toLowerCase());
  for (const type of [
    'Microsoft.ManagedIdentity/userAssignedIdentities',
    'Microsoft.OperationalInsights/workspaces',
    'Microsoft.Insights/components',
    'Microsoft.KeyVault/vaults',
    'Microsoft.Authorization/roleAssignments',
    'Microsoft.DBforPostgreSQL/flexibleServers',
    'Microsoft.DBforPostgreSQL/flexibleServers/databases',
    'Microsoft.App/managedEnvironments',
    'Microsoft.App/containerApps',
    'Microsoft.BotService/botServices',
    'Microsoft.BotService/botServices/channels',
    'Microsoft.CognitiveServices/accounts',
    'Microsoft.CognitiveServices/accounts/deployments',
  ]) {
    assert.ok(byType(type).length > 0, `no ${type}`);
  }
  const [bot] = byType('Microsoft.BotService/botServices');
  assert.equal(bot.kind, 'azurebot');
  assert.equal(bot.location, 'global');
  const [channel] = byType('Microsoft.BotService/botServices/channels');
  assert.equal(channel.properties.channelName, 'MsTeamsChannel');
  const [pg] = byType('Microsoft.DBforPostgreSQL/flexibleServers');
  assert.deepEqual(pg.sku, { name: 'Standard_B1ms', tier: 'Burstable' });
  const [kv] = byType('Microsoft.KeyVault/vaults').filter((r) => !r.existing);
  assert.equal(kv.properties.enableRbacAuthorization, true);
  const [oai] = byType('Microsoft.CognitiveServices/accounts');
  assert.equal(oai.kind, 'OpenAI');
  const [app] = byType('Microsoft.App/containerApps');
  assert.equal(app.properties.configuration.ingress.targetPort, 3978);
  const probes = app.properties.template.containers[0].probes.map((p) => p.httpGet.path);
  assert.ok(probes.includes('/healthz') && probes.includes('/readyz'));
});

test('the app gets its configuration keys', () => {
  const source = readFileSync(path.join(azureDir, 'main.bicep'), 'utf8');
  for (const key of [
    'Store__Provider', 'ConnectionStrings__Governance', 'PublicBaseUrl', 'Teams__AppId', 'Teams__TenantId',
    'Teams__AppPassword', 'Slack__SigningSecret', 'Slack__BotToken', 'Slack__ClientId', 'Slack__ClientSecret',
    'AzureOpenAI__Endpoint', 'AzureOpenAI__Deployment', 'AzureOpenAI__ApiKey', 'APPLICATIONINSIGHTS_CONNECTION_STRING',
  ]) {
    assert.match(source, new RegExp(`'${key}'`), `main.bicep does not set ${key}`);
  }
  assert.match(source, /'https:\/\/\$\{publicHost\}\/api\/messages'/, 'bot endpoint is https://<host>/api/messages');
});

test('the key ring is encrypted with a Key Vault certificate, and forwarded headers come from the ingress only', () => {
  const resources = allResources(compiled());
  const script = resources.find((r) => r.type === 'Microsoft.Resources/deploymentScripts');
  assert.ok(script, 'no deployment script creates the Data Protection certificate');
  assert.match(script.properties.scriptContent, /az keyvault certificate create/);
  assert.match(script.properties.scriptContent, /"exportable":true/);
  const source = readFileSync(path.join(azureDir, 'main.bicep'), 'utf8');
  assert.match(source, /name: 'DataProtection__Certificate'\s+secretRef: 'dataprotection-certificate'/);
  assert.match(source, /keyVaultUrl: '\$\{keyVault\.properties\.vaultUri\}secrets\/\$\{dataProtectionCertificateName\}'/);
  assert.match(source, /name: 'ForwardedHeaders__KnownNetworks__\$\{i\}'/);
  assert.doesNotMatch(source, /DataProtection__KeysPath/, 'the key ring belongs in the store, not in the container');
  const template = compiled();
  assert.ok(template.parameters.ingressProxyNetworks.defaultValue.length > 0);
  assert.ok(!template.parameters.ingressProxyNetworks.defaultValue.includes('0.0.0.0/0'), 'every address is not a proxy');
});
