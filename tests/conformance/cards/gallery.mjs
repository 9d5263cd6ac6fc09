#!/usr/bin/env node
// Renders every sample card with the adaptivecards JS renderer in headless Chromium and writes
// docs/cards/<name>.png (large samples: <name>.large.png). Nothing is fetched from the network:
// the renderer script comes from node_modules and every request the page makes is refused.
//   node gallery.mjs            (needs Debian's chromium at /usr/bin/chromium, or CHROMIUM=path)
//   node gallery.mjs approval.request approval.decided   (only those cards)
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { caseLabel, cases, expandFiles, here, repoRoot } from './lib.mjs';

const UPNG = createRequire(import.meta.url)('upng-js');
const outDir = join(repoRoot, 'docs', 'cards');
const CARD_WIDTH = 480; // about the width Teams gives a card in a chat on desktop
// The reader the pictures are taken for: moments in card data show in this zone and locale, as the
// Teams client shows its user's own (the samples' program runs on Europe/Berlin).
const READER = { timezoneId: 'Europe/Berlin', locale: 'en-GB' };

// A moment in card data is the bot's LocalTime marker: U+F8F0 <unix seconds> | <fallback> U+F8F1.
// As the bot's Teams channel does (LocalTime.Teams), a TextBlock's text gets Teams' DATE/TIME
// functions, which the renderer shows in the reader's zone; any other string gets the fallback.
const MOMENT = /\uF8F0(-?\d+)\|([^\uF8F1]*)\uF8F1/g;
function localise(node, inTextBlock = false) {
  if (Array.isArray(node)) return node.map((n) => localise(n));
  if (node && typeof node === 'object') {
    const textBlock = node.type === 'TextBlock';
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, localise(v, textBlock && k === 'text')]));
  }
  if (typeof node !== 'string') return node;
  return node.replace(MOMENT, (_, seconds, fallback) => {
    if (!inTextBlock) return fallback;
    const iso = new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return `{{DATE(${iso}, SHORT)}} at {{TIME(${iso})}}`;
  });
}

// A Teams-like light host config: Segoe UI stack, Teams' neutral greys and purple accent.
const hostConfig = {
  fontFamily: "'Segoe UI', 'Segoe UI Web (West European)', -apple-system, 'Noto Sans', 'DejaVu Sans', sans-serif, 'Noto Color Emoji'",
  supportsInteractivity: true,
  spacing: { small: 4, default: 8, medium: 16, large: 20, extraLarge: 24, padding: 16 },
  separator: { lineThickness: 1, lineColor: '#E0E0E0' },
  fontSizes: { small: 12, default: 14, medium: 16, large: 20, extraLarge: 26 },
  fontWeights: { lighter: 300, default: 400, bolder: 600 },
  lineHeights: { small: 16, default: 20, medium: 22, large: 28, extraLarge: 34 },
  imageSizes: { small: 32, medium: 52, large: 100 },
  containerStyles: {
    default: {
      backgroundColor: '#FFFFFF',
      foregroundColors: {
        default: { default: '#242424', subtle: '#616161' },
        dark: { default: '#242424', subtle: '#616161' },
        light: { default: '#FFFFFF', subtle: '#F5F5F5' },
        accent: { default: '#5B5FC7', subtle: '#7F85F5' },
        good: { default: '#0E700E', subtle: '#107C10' },
        warning: { default: '#A35200', subtle: '#BC5C00' },
        attention: { default: '#C4314B', subtle: '#D13438' },
      },
    },
    emphasis: {
      backgroundColor: '#F5F5F5',
      foregroundColors: {
        default: { default: '#242424', subtle: '#616161' },
        dark: { default: '#242424', subtle: '#616161' },
        light: { default: '#FFFFFF', subtle: '#F5F5F5' },
        accent: { default: '#5B5FC7', subtle: '#7F85F5' },
        good: { default: '#0E700E', subtle: '#107C10' },
        warning: { default: '#A35200', subtle: '#BC5C00' },
        attention: { default: '#C4314B', subtle: '#D13438' },
      },
    },
    accent: { backgroundColor: '#E8EBFA' },
    good: { backgroundColor: '#E7F2DA' },
    warning: { backgroundColor: '#FBF6D9' },
    attention: { backgroundColor: '#FCF4F6' },
  },
  actions: {
    maxActions: 6,
    spacing: 'default',
    buttonSpacing: 8,
    showCard: { actionMode: 'inline', inlineTopMargin: 12 },
    actionsOrientation: 'horizontal',
    actionAlignment: 'left',
  },
  adaptiveCard: { allowCustomStyle: true },
  factSet: {
    title: { color: 'default', size: 'default', isSubtle: true, weight: 'default', wrap: false, maxWidth: 150 },
    value: { color: 'default', size: 'default', isSubtle: false, weight: 'default', wrap: true },
    spacing: 12,
  },
  inputs: { label: { inputSpacing: 'small', requiredInputs: { suffix: ' *', suffixColor: 'attention' }, optionalInputs: {} }, errorMessage: { size: 'small', color: 'attention' } },
};

const css = `
  body { margin: 0; background: #EBEBEB; font-family: ${hostConfig.fontFamily}; }
  #frame { width: ${CARD_WIDTH}px; margin: 16px; background: #fff; border-radius: 8px;
           box-shadow: 0 1px 2px rgba(0,0,0,.14), 0 0 2px rgba(0,0,0,.12); overflow: hidden; }
  .ac-adaptiveCard { border-radius: 8px; }
  .ac-textBlock p { margin: 0; }
  .ac-textBlock a { color: #5B5FC7; text-decoration: none; }
  .ac-pushButton { font-family: inherit; font-size: 14px; font-weight: 600; color: #242424; background: #fff;
                   border: 1px solid #D1D1D1; border-radius: 4px; padding: 5px 12px; min-height: 32px;
                   overflow: hidden; text-overflow: ellipsis; white-space: nowrap; cursor: pointer; }
  .ac-pushButton.style-positive, .ac-pushButton.primary { background: #5B5FC7; border-color: #5B5FC7; color: #fff; }
  .ac-pushButton.style-destructive { color: #C4314B; border-color: #C4314B; }
  .ac-pushButton.expanded { background: #E8EBFA; }
  .ac-input { font-family: inherit; font-size: 14px; color: #242424; }
  .ac-textInput, .ac-numberInput, .ac-dateInput, .ac-multichoiceInput.ac-choiceSetInput-compact {
    border: 1px solid #D1D1D1; border-bottom-color: #616161; border-radius: 4px; padding: 5px 8px; background: #fff; box-sizing: border-box; }
  .ac-textInput.ac-multiline { min-height: 64px; resize: none; }
  .ac-choiceSetInput-expanded label, .ac-choiceSetInput-multiSelect label { font-size: 14px; }
  .ac-input-container { width: 100%; }
  .ac-table { border-collapse: collapse; }
  /* Teams gives fact titles their natural width (up to maxWidth) instead of squeezing them. */
  .ac-fact-title, .ac-fact-title * { white-space: nowrap !important; }
  .ac-fact-title { padding-right: 12px !important; }
  .chart-standin { font-size: 12px; color: #616161; }
`;

// Stand-in for Teams' Chart.Line so the gallery shows roughly what Teams draws. The real card
// keeps its fallback (text sparkline and table) for clients without charts; that rendering is
// saved as <name>.fallback.png.
// Teams renders a subset of Markdown in TextBlocks (bold, italics, links, line breaks); the JS SDK
// needs a processor for it. Runs in the page.
function processMarkdown(text, result) {
  const esc = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  result.outputHtml = esc
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, '<a href="$2">$1</a>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|\s)_([^_]+)_(?=\s|$)/g, '$1<em>$2</em>')
    .replace(/\n/g, '<br>');
  result.didProcess = true;
}

function pageScript(registerCharts) {
  return `
  window.processMarkdown = ${processMarkdown.toString()};
  window.renderCard = (payload, hostConfig) => {
    const AC = window.AdaptiveCards;
    const registry = new AC.CardObjectRegistry();
    AC.GlobalRegistry.populateWithDefaultElements(registry);
    if (${registerCharts}) {
      class ChartLine extends AC.CardElement {
        getJsonTypeName() { return 'Chart.Line'; }
        internalParse(source, context) { super.internalParse(source, context); this.source = source; }
        internalRender() {
          const s = this.source, w = 440, h = 180, pad = 34;
          const series = (s.data || []).filter(d => Array.isArray(d.values) && d.values.length);
          const ys = series.flatMap(d => d.values.map(v => v.y));
          const lo = Math.min(...ys), hi = Math.max(...ys), span = (hi - lo) || 1;
          // One x axis for every series, each keeping its own order: a benefit's plan runs from its start to the realisation
          // date, beyond the actuals, and drawing it by the actuals' positions put its first point under the first actual.
          const xs = [];
          series.forEach(d => { let at = -1; d.values.forEach(v => { const k = xs.indexOf(v.x); if (k >= 0) { at = k; } else { xs.splice(at + 1, 0, v.x); at++; } }); });
          const px = i => pad + i * (w - pad - 10) / Math.max(1, xs.length - 1);
          const pxOf = v => px(xs.indexOf(v.x));
          const py = y => h - 24 - (y - lo + span * 0.1) * (h - 44) / (span * 1.2);
          const colors = ['#5B5FC7', '#8A8886'];
          let svg = '<svg xmlns="http://www.w3.org/2000/svg" width="' + w + '" height="' + h + '" font-size="11" font-family="Segoe UI, sans-serif">';
          [lo, (lo + hi) / 2, hi].forEach(t => { svg += '<line x1="' + pad + '" x2="' + (w - 10) + '" y1="' + py(t) + '" y2="' + py(t) + '" stroke="#EDEBE9"/><text x="2" y="' + (py(t) + 4) + '" fill="#616161">' + Math.round(t * 10) / 10 + '</text>'; });
          xs.forEach((x, i) => { svg += '<text x="' + px(i) + '" y="' + (h - 6) + '" text-anchor="' + (i && i === xs.length - 1 ? 'end' : 'middle') + '" fill="#616161">' + x + '</text>'; });
          series.forEach((d, k) => {
            const pts = d.values.map(v => pxOf(v) + ',' + py(v.y)).join(' ');
            svg += '<polyline fill="none" stroke="' + colors[k % 2] + '" stroke-width="2"' + (k ? ' stroke-dasharray="5 4"' : '') + ' points="' + pts + '"/>';
            if (!k) d.values.forEach(v => { svg += '<circle cx="' + pxOf(v) + '" cy="' + py(v.y) + '" r="3" fill="' + colors[0] + '"/>'; });
          });
          svg += '</svg>';
          const div = document.createElement('div');
          const legend = series.map((d, k) => '<span style="color:' + colors[k % 2] + '">' + (k ? '- - ' : '— ') + d.legend + '</span>').join('&nbsp;&nbsp;&nbsp;');
          div.innerHTML = '<div style="font-weight:600;font-size:14px;color:#242424">' + (s.title || '') + '</div>' + svg +
            '<div class="chart-standin">' + legend + '</div>';
          return div;
        }
      }
      registry.register('Chart.Line', ChartLine, AC.Versions.v1_0);
    }
    AC.AdaptiveCard.onProcessMarkdown = window.processMarkdown;
    const card = new AC.AdaptiveCard();
    card.hostConfig = new AC.HostConfig(hostConfig);
    const context = new AC.SerializationContext(AC.Versions.v1_5);
    context.setElementRegistry(registry);
    card.parse(payload, context);
    const el = card.render();
    document.getElementById('frame').appendChild(el);
  };`;
}

async function main() {
  mkdirSync(outDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const acScript = readFileSync(join(here, 'node_modules', 'adaptivecards', 'dist', 'adaptivecards.min.js'), 'utf8');
  const shots = [];
  const renders = [];
  const only = process.argv.slice(2);
  for (const c of cases().filter((k) => only.length === 0 || only.includes(k.name))) {
    const card = localise(expandFiles(c.templatePath, c.dataPath));
    const base = c.variant === 'large' ? `${c.name}.large` : c.name;
    renders.push({ label: caseLabel(c), file: `${base}.png`, card, charts: true });
    if (c.variant === 'normal' && JSON.stringify(card).includes('"Chart.')) {
      renders.push({ label: `${caseLabel(c)} without chart support`, file: `${base}.fallback.png`, card, charts: false });
    }
  }
  for (const r of renders) {
    const page = await browser.newPage({ viewport: { width: CARD_WIDTH + 32, height: 600 }, deviceScaleFactor: 1, ...READER });
    await page.route('**/*', (route) => route.abort()); // nothing leaves the machine
    await page.setContent(`<!doctype html><html><head><meta charset="utf-8"><style>${css}</style></head><body><div id="frame"></div></body></html>`);
    await page.addScriptTag({ content: acScript });
    await page.addScriptTag({ content: pageScript(r.charts) });
    await page.evaluate(([payload, hc]) => window.renderCard(payload, hc), [r.card, hostConfig]);
    const frame = await page.$('#frame');
    const path = join(outDir, r.file);
    // Cards are flat colours plus anti-aliasing: a 256-colour palette keeps them sharp and small.
    const png = await frame.screenshot();
    const img = UPNG.decode(png);
    writeFileSync(path, Buffer.from(UPNG.encode(UPNG.toRGBA8(img), img.width, img.height, 256)));
    await page.close();
    const kb = statSync(path).size / 1024;
    shots.push({ ...r, kb });
    console.log(`${r.file.padEnd(34)} ${kb.toFixed(0).padStart(4)} KB  ${r.label}`);
  }
  await browser.close();
  const big = shots.filter((s) => s.kb > 200);
  if (big.length) console.warn(`over 200 KB: ${big.map((s) => s.file).join(', ')}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
