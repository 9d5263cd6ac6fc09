// Shared helpers for the card conformance tests, the expand CLI and the gallery.
import { createRequire } from 'node:module';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
export const AC = require('adaptivecards/dist/adaptivecards.js');
const { Template } = require('adaptivecards-templating');

export const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(here, '..', '..', '..');
export const cardsDir = join(repoRoot, 'adaptivecards');
export const samplesDir = join(cardsDir, 'samples');
export const largeSamplesDir = join(samplesDir, 'large');

export const MAX_CARD_BYTES = 80 * 1024;

// Teams chart elements. The adaptivecards JS SDK does not know them; they are allowed only with
// an element fallback (see README.md in this folder).
export const CHART_TYPES = new Set([
  'Chart.Line', 'Chart.VerticalBar', 'Chart.VerticalBar.Grouped', 'Chart.HorizontalBar',
  'Chart.HorizontalBar.Stacked', 'Chart.Donut', 'Chart.Pie', 'Chart.Gauge',
]);

// The bot's card-action contract: each verb and the keys its data carries (besides inputs).
export const VERBS = {
  'help.run': ['command'],
  'checkin.submit': ['roundId'],
  'checkin.edit': ['roundId'],
  'checkin.answers': ['program'],
  // checkIn is "" on the form for a new check-in, so only program is required.
  'checkin.define': ['program'],
  'approval.vote': ['requestId', 'decision'],
  'approval.refresh': ['requestId'],
  'kpi.record': ['kpiId'],
  'kpi.detail': ['kpiId'],
  'kpis.show': ['program'],
  'benefits.show': ['program'],
  'status.show': ['program'],
  'dashboard.open': ['program'],
  'raid.log': ['program'],
  'raid.show': ['itemId'],
  'raid.update': ['itemId'],
  'raid.close': ['itemId'],
  'raid.escalate': ['itemId'],
  'raid.fromcheckin': ['answerId'],
  'raid.create': ['answerId'],
  'benefit.detail': ['benefitId'],
  'benefit.record': ['benefitId'],
  'gates.show': ['program'],
  'gate.detail': ['program', 'gate'],
  'gate.confirm': ['program', 'gate', 'criterion'],
  'gate.review': ['program', 'gate'],
  'steering.pack': ['program'],
  'meeting.end': ['program'],
  'meeting.decision': ['meetingId'],
  'meeting.action': ['meetingId'],
  'actions.show': ['program'],
  'decisions.show': ['program'],
};

export function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

export function templateNames() {
  return readdirSync(cardsDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** Every template × sample pair: { name, variant: 'normal' | 'large', templatePath, dataPath }. */
export function cases() {
  const result = [];
  for (const name of templateNames()) {
    const templatePath = join(cardsDir, `${name}.json`);
    for (const [variant, dir] of [['normal', samplesDir], ['large', largeSamplesDir]]) {
      const dataPath = join(dir, `${name}.data.json`);
      if (existsSync(dataPath)) result.push({ name, variant, templatePath, dataPath });
    }
  }
  return result;
}

/** The reference expansion, exactly as the Adaptive Cards templating SDK does it. */
export function expand(template, data) {
  return new Template(template).expand({ $root: data });
}

export function expandFiles(templatePath, dataPath) {
  return expand(readJson(templatePath), readJson(dataPath));
}

/** Visits every object in a JSON tree with its path. */
export function walk(node, visit, path = '$') {
  if (Array.isArray(node)) {
    node.forEach((child, i) => walk(child, visit, `${path}[${i}]`));
  } else if (node && typeof node === 'object') {
    visit(node, path);
    for (const [key, child] of Object.entries(node)) walk(child, visit, `${path}.${key}`);
  }
}

/** Every string value (and key) that still contains a template expression. */
export function unresolvedExpressions(card) {
  const found = [];
  const scan = (node, path) => {
    if (typeof node === 'string') {
      if (node.includes('${')) found.push(`${path}: ${node}`);
    } else if (Array.isArray(node)) {
      node.forEach((child, i) => scan(child, `${path}[${i}]`));
    } else if (node && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        if (key.includes('${') || key === '$data' || key === '$when') found.push(`${path}.${key} (key)`);
        scan(child, `${path}.${key}`);
      }
    }
  };
  scan(card, '$');
  return found;
}

/**
 * Parses with the adaptivecards JS SDK (schema 1.5) and returns every problem it reports, except
 * the "unknown element" notice for a Chart.* element that carries an element fallback: the SDK
 * renders that fallback, so the card still works everywhere.
 */
export function sdkProblems(card) {
  const problems = [];
  const charts = [];
  walk(card, (node, path) => {
    if (typeof node.type === 'string' && node.type.startsWith('Chart.')) charts.push({ node, path });
  });
  for (const { node, path } of charts) {
    if (!CHART_TYPES.has(node.type)) problems.push(`${path}: unknown chart type ${node.type}`);
    const fb = node.fallback;
    if (!fb || typeof fb !== 'object' || Array.isArray(fb)) {
      problems.push(`${path}: ${node.type} needs an element fallback (an object, not "drop")`);
    } else {
      walk(fb, (inner, innerPath) => {
        if (typeof inner.type === 'string' && inner.type.startsWith('Chart.')) {
          problems.push(`${path}.fallback${innerPath.slice(1)}: a chart's fallback must not be a chart`);
        }
      });
    }
  }

  const context = new AC.SerializationContext(AC.Versions.v1_5);
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, context);
  // How many "unknown element" notices each chart type may cause: one per chart with a fallback.
  const allowed = new Map();
  for (const { node } of charts) {
    if (node.fallback && typeof node.fallback === 'object') allowed.set(node.type, (allowed.get(node.type) ?? 0) + 1);
  }
  for (let i = 0; i < context.eventCount; i++) {
    const e = context.getEventAt(i);
    const chartType = e.event === AC.ValidationEvent.UnknownElementType ? /"(Chart\.[^"]+)"/.exec(e.message)?.[1] : undefined;
    if (chartType && (allowed.get(chartType) ?? 0) > 0) {
      allowed.set(chartType, allowed.get(chartType) - 1);
      continue;
    }
    problems.push(`parse: ${AC.ValidationEvent[e.event]}: ${e.message}`);
  }
  for (const e of parsed.validateProperties().validationEvents) {
    problems.push(`validate: ${AC.ValidationEvent[e.event]}: ${e.message}`);
  }
  return { problems, parsed };
}

/** Checks GovernanceBot's own rules for actions: Execute + verb + data + Submit fallback. */
export function actionProblems(card) {
  const problems = [];
  walk(card, (node, path) => {
    if (node.type === 'Action.Submit' && !path.endsWith('.fallback')) {
      problems.push(`${path}: use Action.Execute (Action.Submit only as its fallback)`);
    }
    if (node.type !== 'Action.Execute') return;
    const keys = VERBS[node.verb];
    if (!keys) {
      problems.push(`${path}: unknown verb ${JSON.stringify(node.verb)}`);
      return;
    }
    const data = node.data ?? {};
    for (const k of keys) {
      if (typeof data[k] !== 'string' || data[k] === '') problems.push(`${path}: ${node.verb} needs data.${k}`);
    }
    if (node.verb === 'approval.vote' && !['approve', 'reject', 'abstain'].includes(data.decision)) {
      problems.push(`${path}: approval.vote decision must be approve|reject|abstain`);
    }
    const inRefresh = /\.refresh\.action$/.test(path);
    if (inRefresh) return; // refresh only ever runs on Universal Action clients: no fallback needed
    const fb = node.fallback;
    if (!fb || fb.type !== 'Action.Submit') {
      problems.push(`${path}: Action.Execute needs a fallback of Action.Submit`);
      return;
    }
    const expected = { ...data, verb: node.verb };
    if (JSON.stringify(sortKeys(fb.data)) !== JSON.stringify(sortKeys(expected))) {
      problems.push(`${path}: fallback data ${JSON.stringify(fb.data)} should be ${JSON.stringify(expected)}`);
    }
    if (fb.title !== node.title) problems.push(`${path}: fallback title differs`);
  });
  return problems;
}

function sortKeys(o) {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return o;
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, sortKeys(o[k])]));
}

export function imagesWithoutUrl(card) {
  const found = [];
  walk(card, (node, path) => {
    if (node.type === 'Image' && (typeof node.url !== 'string' || node.url.trim() === '')) found.push(path);
  });
  return found;
}

export function textBlocksWithoutWrap(card) {
  const found = [];
  walk(card, (node, path) => {
    // Bars in the check-in summary are deliberately unwrapped: one line, clipped on narrow screens.
    if (node.type === 'TextBlock' && node.wrap !== true && !/^[█·]+$/.test(node.text ?? '')) found.push(path);
  });
  return found;
}

export function caseLabel(c) {
  return `${c.name} (${c.variant})`;
}

export { basename };
