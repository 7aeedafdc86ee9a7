/**
 * `--html FILE` and `bluegreen report RUN.json --html FILE`: the built dashboard (dist/web) as one file, its
 * script and styles inlined and the report embedded, so it opens from file:// with no network. The page finds
 * the embedded report (REPORT_ELEMENT_ID) and replays it (web/src/lib/sources/replay.ts).
 *
 * The report is embedded gzipped and base64-encoded (the page inflates it with the browser's own
 * DecompressionStream): a run's ticks repeat the same keys every second, so this is a tenth of the JSON.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { REPORT_ELEMENT_ID, REPORT_ENCODING } from '../../protocol/replay-embed.js';
import type { Report } from '../../protocol/report.js';
import { webDistDir } from '../../common/package-info.js';

const SCRIPT_TAG = /<script\b[^>]*\bsrc="([^"]+)"[^>]*><\/script>/g;
const STYLE_TAG = /<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)"[^>]*>/g;

/**
 * Script text made safe inside `<script>…</script>`: only `</script` ends the element, and `<!--` followed by
 * `<script` would change how the HTML parser reads the rest. In the minified bundle these occur only in
 * strings and regular expressions, where `\x3C` means `<` too.
 */
function inlineSafe(code: string): string {
  return code.replace(/<(\/?script|!--)/gi, '\\x3C$1');
}

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** Thrown when dist/web is missing or not what the build makes. */
export class DashboardNotBuilt extends Error {}

async function readAsset(webDir: string, href: string): Promise<string> {
  const relative = href.replace(/^\.\//, '');
  if (relative.includes('..') || /^[a-z]+:/i.test(relative)) {
    throw new DashboardNotBuilt(`the dashboard's index.html names an asset outside it: ${href}`);
  }
  return readFile(join(webDir, relative), 'utf8');
}

export async function renderHtmlReport(report: Report, webDir = webDistDir): Promise<string> {
  let index: string;
  try {
    index = await readFile(join(webDir, 'index.html'), 'utf8');
  } catch {
    throw new DashboardNotBuilt(
      `the dashboard is not built (no ${join(webDir, 'index.html')}; run npm run build)`,
    );
  }
  const scripts: string[] = [];
  const styles: string[] = [];
  for (const [, href] of index.matchAll(SCRIPT_TAG)) scripts.push(inlineSafe(await readAsset(webDir, href!)));
  for (const [, href] of index.matchAll(STYLE_TAG))
    styles.push((await readAsset(webDir, href!)).replace(/<\/style/gi, '<\\/style'));
  if (scripts.length === 0) throw new DashboardNotBuilt(`no script in ${join(webDir, 'index.html')}`);

  const data = gzipSync(JSON.stringify(report), { level: 9 }).toString('base64');
  // No network at all: scripts and styles only as inlined here (by hash), no connections, no base URL.
  const csp = [
    "default-src 'none'",
    `script-src ${scripts.map(sha256).join(' ')}`,
    `style-src ${styles.length > 0 ? styles.map(sha256).join(' ') : "'none'"}`,
    'img-src data:',
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const head =
    `<meta http-equiv="Content-Security-Policy" content="${csp}" />\n` +
    styles.map((css) => `    <style>${css}</style>\n`).join('') +
    `    <script id="${REPORT_ELEMENT_ID}" type="application/octet-stream" data-encoding="${REPORT_ENCODING}">${data}</script>\n` +
    scripts.map((js) => `    <script type="module">${js}</script>\n`).join('');
  const title = `bluegreen report: ${escapeHtml(report.target)} ${escapeHtml(report.startedAt)}`;
  // Functions as replacements: `$` in the bundle must stay as it is.
  return index
    .replace(SCRIPT_TAG, '')
    .replace(STYLE_TAG, '')
    .replace(/<title>[^<]*<\/title>/, () => `<title>${title}</title>`)
    .replace(/<\/head>/, () => `  ${head}  </head>`);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
