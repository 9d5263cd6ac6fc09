// Expands every template with every sample (normal and large) through the reference templating
// engine and checks the result with the adaptivecards JS SDK and GovernanceBot's own card rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  MAX_CARD_BYTES, actionProblems, caseLabel, cases, expand, expandFiles, imagesWithoutUrl, readJson,
  samplesDir, sdkProblems, templateNames, textBlocksWithoutWrap, unresolvedExpressions, walk,
} from './lib.mjs';

const expandedOut = process.env.CARDS_EXPANDED_OUT;
if (expandedOut) mkdirSync(expandedOut, { recursive: true });

test('every template has a normal sample, and the cards that grow have a large one', () => {
  const names = templateNames();
  assert.ok(names.length >= 15, `expected the 15 cards, found ${names.join(', ')}`);
  const all = cases();
  for (const name of names) {
    assert.ok(all.some((c) => c.name === name && c.variant === 'normal'), `${name} has no samples/${name}.data.json`);
  }
  for (const name of ['kpis.status', 'approval.request', 'checkin.summary', 'benefits.status']) {
    assert.ok(all.some((c) => c.name === name && c.variant === 'large'), `${name} has no samples/large/${name}.data.json`);
  }
});

for (const c of cases()) {
  test(`${caseLabel(c)} expands to a valid Adaptive Card 1.5`, () => {
    const template = readJson(c.templatePath);
    assert.equal(template.type, 'AdaptiveCard');
    assert.equal(template.version, '1.5');
    assert.equal(template.$schema, 'http://adaptivecards.io/schemas/adaptive-card.json');

    const card = expandFiles(c.templatePath, c.dataPath);
    if (expandedOut) {
      const file = c.variant === 'large' ? `${c.name}.large.json` : `${c.name}.json`;
      writeFileSync(join(expandedOut, file), JSON.stringify(card, null, 2) + '\n');
    }

    assert.equal(card.type, 'AdaptiveCard', 'root type');
    assert.equal(card.version, '1.5', 'root version');
    assert.deepEqual(unresolvedExpressions(card), [], 'no ${…}, $data or $when left after expansion');
    assert.deepEqual(sdkProblems(card).problems, [], 'adaptivecards SDK: parse and validation events');
    assert.deepEqual(imagesWithoutUrl(card), [], 'every Image has a url');
    assert.deepEqual(actionProblems(card), [], 'actions follow the verb contract');
    assert.deepEqual(textBlocksWithoutWrap(card), [], 'every TextBlock wraps');
    const bytes = Buffer.byteLength(JSON.stringify(card), 'utf8');
    assert.ok(bytes < MAX_CARD_BYTES, `expanded card is ${bytes} bytes; keep it under ${MAX_CARD_BYTES}`);
  });
}

test('sample data holds no nulls (the reference engine throws on ${x} when x is null)', () => {
  for (const c of cases()) {
    const nulls = [];
    const scan = (node, path) => {
      if (node === null) nulls.push(path);
      else if (Array.isArray(node)) node.forEach((v, i) => scan(v, `${path}[${i}]`));
      else if (typeof node === 'object') for (const [k, v] of Object.entries(node)) scan(v, `${path}.${k}`);
    };
    scan(readJson(c.dataPath), '$');
    assert.deepEqual(nulls, [], `${caseLabel(c)}: use "" or [] or leave the field out`);
  }
});

// The C# records are modelled on the samples, so a large sample must have exactly the shape of
// the normal one: same property names and the same JSON types.
function shapeOf(node) {
  if (Array.isArray(node)) {
    const items = node.map(shapeOf).filter((s) => s !== undefined);
    return items.length ? ['array', mergeShapes(items)] : undefined;
  }
  if (node === null) return 'null';
  if (typeof node === 'object') {
    return Object.fromEntries(Object.keys(node).sort().map((k) => [k, shapeOf(node[k])]));
  }
  return typeof node;
}

function mergeShapes(shapes) {
  const first = shapes[0];
  if (first && typeof first === 'object' && !Array.isArray(first)) {
    const keys = new Set(shapes.flatMap((s) => Object.keys(s)));
    return Object.fromEntries([...keys].sort().map((k) => [k, mergeShapes(shapes.map((s) => s[k]).filter((v) => v !== undefined))]));
  }
  return first;
}

function shapeDifferences(a, b, path = '$') {
  if (a === undefined || b === undefined) return []; // an empty array on one side says nothing
  if (Array.isArray(a) && Array.isArray(b)) return shapeDifferences(a[1], b[1], `${path}[]`);
  if (typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const diffs = [];
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!(k in a)) diffs.push(`${path}.${k} only in the large sample`);
      else if (!(k in b)) diffs.push(`${path}.${k} only in the normal sample`);
      else diffs.push(...shapeDifferences(a[k], b[k], `${path}.${k}`));
    }
    return diffs;
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`];
}

test('large samples have the same data shape as the normal ones', () => {
  for (const c of cases().filter((x) => x.variant === 'large')) {
    const normal = readJson(join(samplesDir, `${c.name}.data.json`));
    const large = readJson(c.dataPath);
    assert.deepEqual(shapeDifferences(shapeOf(normal), shapeOf(large)), [], c.name);
  }
});

test('cards that share a concept share its shape', () => {
  const program = (name) => readJson(join(samplesDir, `${name}.data.json`)).program;
  for (const name of ['kpis.status', 'kpi.detail', 'kpi.record', 'benefits.status', 'checkin.prompt', 'checkin.summary',
    'checkin.thanks', 'approval.request', 'approval.decided', 'program.status', 'welcome', 'raid.log', 'raid.item', 'raid.new', 'decisions.log', 'benefit.detail', 'gates.status', 'gate.detail', 'steering.pack', 'steering.meeting', 'steering.minutes', 'steering.actions']) {
    const p = program(name);
    assert.equal(p.id, 'phoenix', `${name}: program.id`);
    assert.equal(p.name, 'Phoenix', `${name}: program.name`);
  }
  const vote = readJson(join(samplesDir, 'approval.request.data.json')).request.votes[0];
  const decidedVote = readJson(join(samplesDir, 'approval.decided.data.json')).request.votes[0];
  assert.deepEqual(Object.keys(vote).sort(), Object.keys(decidedVote).sort(), 'votes');
  const suggestionKeys = new Set();
  for (const name of ['help', 'welcome', 'answer', 'roles.comparison', 'error']) {
    for (const s of readJson(join(samplesDir, `${name}.data.json`)).suggestions) suggestionKeys.add(Object.keys(s).sort().join(','));
  }
  assert.deepEqual([...suggestionKeys], ['command,title'], 'suggestions are {title, command}');
});

test('an approval card lets only voters vote, and refreshes for the listed users', () => {
  const data = readJson(join(samplesDir, 'approval.request.data.json'));
  const template = join(samplesDir, '..', 'approval.request.json');
  const asVoter = expandFiles(template, join(samplesDir, 'approval.request.data.json'));
  assert.deepEqual(asVoter.refresh.userIds, data.refreshUserIds);
  assert.equal(asVoter.refresh.action.verb, 'approval.refresh');

  const votes = (card) => {
    const found = [];
    walk(card, (n) => { if (n.type === 'Action.Execute' && n.verb === 'approval.vote') found.push(n.data.decision); });
    return found;
  };
  const inputs = (card) => {
    const found = [];
    walk(card, (n) => { if (typeof n.type === 'string' && n.type.startsWith('Input.')) found.push(n.id); });
    return found;
  };
  assert.deepEqual(votes(asVoter), ['approve', 'reject', 'abstain']);
  assert.deepEqual(inputs(asVoter), ['comment', 'reason']);

  // A rejection's reason is its own required field, so Slack's modal and Teams both ask for it.
  const reasons = [];
  walk(asVoter, (n) => { if (n.id === 'reason') reasons.push(n); });
  assert.equal(reasons[0].isRequired, true);
  assert.ok(!/optional/i.test(reasons[0].label), reasons[0].label);

  // The sponsor deciding an escalated request approves or rejects; abstaining would leave it undecided.
  const decider = { ...data, viewer: { ...data.viewer, decides: true } };
  assert.deepEqual(votes(expand(readJson(template), decider)), ['approve', 'reject']);

  const onlooker = { ...data, viewer: { ...data.viewer, canVote: false, note: 'Only the steering committee votes on CR-17.' } };
  const asOnlooker = expand(readJson(template), onlooker);
  assert.deepEqual(votes(asOnlooker), []);
  assert.deepEqual(inputs(asOnlooker), []);
});

test('a check-in thanks card offers Edit only while the round is open', () => {
  const template = readJson(join(samplesDir, '..', 'checkin.thanks.json'));
  const data = readJson(join(samplesDir, 'checkin.thanks.data.json'));
  const verbs = (card) => (card.actions ?? []).map((a) => a.verb);
  assert.deepEqual(verbs(expand(template, data)), ['checkin.edit']);
  assert.deepEqual(verbs(expand(template, { ...data, round: { ...data.round, isOpen: false } })), []);
});

test('a check-in prompt names each input q_<questionId>', () => {
  const data = readJson(join(samplesDir, 'checkin.prompt.data.json'));
  const card = expandFiles(join(samplesDir, '..', 'checkin.prompt.json'), join(samplesDir, 'checkin.prompt.data.json'));
  const ids = [];
  walk(card, (n) => { if (typeof n.type === 'string' && n.type.startsWith('Input.')) ids.push(n.id); });
  assert.deepEqual(ids, data.questions.map((q) => `q_${q.id}`));
});

// The C# engine implements only this subset (adaptivecards/README.md); keep templates inside it.
const ALLOWED_FUNCTIONS = new Set(['if', 'equals', 'not', 'and', 'or', 'greater', 'greaterOrEquals', 'less',
  'lessOrEquals', 'count', 'empty', 'concat', 'join', 'string', 'formatNumber', 'toUpper', 'toLower', 'add', 'sub',
  'mul', 'div', 'exists']);

test('templates use only the documented expression subset', () => {
  const problems = [];
  for (const name of templateNames()) {
    const scan = (node, path) => {
      if (typeof node === 'string') {
        for (const [, expr] of node.matchAll(/\$\{((?:[^{}']|'[^']*')*)\}/g)) {
          const code = expr.replace(/'[^']*'/g, "''"); // ignore string literals
          for (const [, fn] of code.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)) {
            if (!ALLOWED_FUNCTIONS.has(fn)) problems.push(`${name} ${path}: function ${fn}()`);
          }
          if (/[?]|=>|%|\bnull\b/.test(code)) problems.push(`${name} ${path}: unsupported syntax in \${${expr}}`);
          if (/(^|[^=!<>])=([^=]|$)/.test(code)) problems.push(`${name} ${path}: assignment-like "=" in \${${expr}}`);
        }
      } else if (Array.isArray(node)) node.forEach((v, i) => scan(v, `${path}[${i}]`));
      else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) scan(v, `${path}.${k}`);
    };
    scan(readJson(join(samplesDir, '..', `${name}.json`)), '$');
  }
  assert.deepEqual(problems, []);
});
