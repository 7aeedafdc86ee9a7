/** `bluegreen report`'s settings: one table, resolved with the saved run's file into ReportOptions. */
import { optional, resolveSettings, toggle, type Env, type Flags } from '../common/settings.js';

export const REPORT_TABLE = {
  html: optional({
    flag: '--html',
    arg: '<file>',
    help: 'also write the run as one self-contained HTML page (the dashboard replaying it; opens offline)',
    parse: (raw: string) => raw,
  }),
  color: toggle({
    flag: '--no-color',
    help: 'no colour on a terminal (also NO_COLOR; pipes and files never get colour)',
  }),
};

export interface ReportOptions {
  /** The report a run wrote with --json. */
  file: string;
  /** `--html FILE`: also write the run's self-contained page; null = no page. */
  htmlFile: string | null;
  /** false with `--no-color` (or NO_COLOR). */
  color: boolean;
}

/** Validates the parsed flags (and env) into ReportOptions; throws UsageError on bad input. */
export function resolveReportOptions(file: string, flags: Flags, env: Env = process.env): ReportOptions {
  const { values } = resolveSettings(REPORT_TABLE, flags, env);
  return { file, htmlFile: values.html, color: values.color };
}
