/** What the run panel says when a control was carried out: what it did, not just "Done.". Pure. */
import type { ControlMessage } from '$protocol/stream.js';
import { ENGLISH, type Words } from './i18n/index.js';

/** `control`: the control the result answers (null when the page does not know which). */
export function controlDoneText(control: ControlMessage | null, { t, fmt }: Words = ENGLISH): string {
  switch (control?.action) {
    case 'start':
      return t('run.done-start');
    case 'stop':
      return t('run.done-stop');
    case 'set-rate':
      return t('run.done-rate', { n: fmt.number(control.rate) });
    case 'set-recycle':
      return control.afterRequests === null
        ? t('run.done-keep-open')
        : t('run.done-recycle', { n: fmt.number(control.afterRequests) });
    case 'set-weights': {
      const weights = Object.entries(control.weights)
        .map(([color, weight]) => `${color} ${fmt.number(weight)}`)
        .join(', ');
      return t('run.done-weights', { weights });
    }
    case 'rollback':
      return t('run.done-rollback');
    default:
      return t('run.done');
  }
}
