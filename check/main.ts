/** `bluegreen check`: wiring only. Load the sets, build the contract if bluegreen's image runs, check, print. */
import { deployDir, packageRoot } from '../common/package-info.js';
import type { Finding } from './findings.js';
import { checkManifests, loadSets, needsContract, realContract } from './index.js';
import type { CheckOptions } from './options.js';
import { RULE_CATALOGUE, severityRank } from './rules.js';
import { toSarif } from './sarif.js';
import { counts, formatText } from './text-report.js';

function useColor(stream: NodeJS.WriteStream): boolean {
  return stream.isTTY === true && !process.env['NO_COLOR'] && stream.hasColors?.() !== false;
}

/** Checks, prints the findings on stdout, and returns the exit code. */
export async function runCheck(options: CheckOptions): Promise<number> {
  const { paths } = options;
  // With no path: the deploy/ this package ships, named as in the repository (deploy/…).
  const sets = paths.length > 0 ? loadSets(paths, process.cwd()) : loadSets([deployDir], packageRoot);
  const built = sets.some(needsContract) ? await realContract() : null;
  const findings: Finding[] = [];
  try {
    for (const set of sets) findings.push(...(await checkManifests(set, built?.contract ?? null)));
  } finally {
    await built?.close();
  }
  const ignored = new Set<string>(options.ignore);
  const kept = findings.filter((f) => !ignored.has(f.rule));
  if (options.format === 'json') {
    const rules = Object.fromEntries(
      [...new Set(kept.map((f) => f.rule))].map((r) => [r, RULE_CATALOGUE[r]]),
    );
    const names = sets.map((s) => s.name);
    process.stdout.write(
      `${JSON.stringify({ sets: names, counts: counts(kept), findings: kept, rules }, null, 2)}\n`,
    );
  } else if (options.format === 'sarif') {
    process.stdout.write(`${JSON.stringify(toSarif(kept), null, 2)}\n`);
  } else {
    process.stdout.write(formatText(kept, sets.length, useColor(process.stdout)));
  }
  const threshold = severityRank(options.failOn);
  return kept.some((f) => severityRank(f.severity) >= threshold) ? 1 : 0;
}
