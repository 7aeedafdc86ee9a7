/**
 * The page's sentence for what `--kube` cannot read (a cluster-view-failed event), in the page's language:
 * what failed and what to change. A problem this page does not know (a newer loadtester) keeps the
 * loadtester's own line. Pure.
 */
import { CLUSTER_VIEW_PROBLEMS, type ClusterViewProblem } from '$protocol/events.js';
import { ENGLISH, type Words } from './i18n/index.js';
import type { ViewFailure } from './stores/cluster.js';

export function clusterViewNotice({ failure, message }: ViewFailure, { t }: Words = ENGLISH): string {
  const known = (CLUSTER_VIEW_PROBLEMS as readonly string[]).includes(failure.problem);
  if (!known) return t('cluster-view.other', { message });
  const params = {
    message,
    resource: failure.resource,
    namespace: failure.namespace,
    status: failure.status === undefined ? '?' : String(failure.status),
  };
  return t(`cluster-view.${failure.problem as ClusterViewProblem}`, params);
}
