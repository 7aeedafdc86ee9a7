/**
 * The report as a file (`--json FILE`): indented like any JSON for reading, except the timeline's ticks,
 * samples and the events, one per line, so a 10-minute run stays a few MB and reads with grep, jq or head.
 */
import type { Report } from '../../protocol/report.js';

const lines = (items: readonly unknown[], indent: string): string =>
  items.length === 0
    ? '[]'
    : `[\n${items.map((i) => indent + '  ' + JSON.stringify(i)).join(',\n')}\n${indent}]`;

export function reportJson(report: Report): string {
  const { timeline, events, ...rest } = report;
  const body = JSON.stringify(rest, null, 2);
  if (timeline === undefined && events === undefined) return body + '\n';
  const parts: string[] = [];
  if (timeline !== undefined) {
    const { ticks, samples, ...about } = timeline;
    const aboutText = JSON.stringify(about, null, 2).slice(1, -2).replace(/\n/g, '\n  ');
    parts.push(
      `  "timeline": {${aboutText},\n    "ticks": ${lines(ticks, '    ')},\n    "samples": ${lines(samples, '    ')}\n  }`,
    );
  }
  if (events !== undefined) parts.push(`  "events": ${lines(events, '  ')}`);
  return `${body.slice(0, -2)},\n${parts.join(',\n')}\n}\n`;
}
