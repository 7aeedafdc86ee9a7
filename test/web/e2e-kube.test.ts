/**
 * The cluster view in Chromium: a real `bluegreen load --kube --ui` run sends load to a real app process
 * while it watches a stand-in Kubernetes API server (test/helpers/fake-kube-api.ts — no cluster runs on
 * these machines, and the API server is the one thing outside this one) playing a rolling update. The page
 * must show each pod from the moment it exists in its cluster state (pending, ready, in endpoints,
 * terminating while still listed, gone) and the rollout's progress bar with its revision. When the API
 * answers 403 on pods, the page says so (in English and Korean) until it lets them be watched again, and the
 * incidents meanwhile say their cause could not be read from the cluster.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeAllBrowsers, launchBrowser, newPage, screenshot } from '../helpers/browser.js';
import { killAllCli, spawnCli } from '../helpers/cli.js';
import { FakeKubeApi } from '../helpers/fake-kube-api.js';
import { closedPort } from '../helpers/targets.js';
import { B1, before, G1, G2, NS, PATHS, ROLLOUT, SELECTOR } from '../helpers/rolling-update.js';

const api = new FakeKubeApi();
const forbidding = new FakeKubeApi();

afterAll(async () => {
  await closeAllBrowsers();
  await killAllCli();
  await api.close();
  await forbidding.close();
});

describe('dashboard with --kube', () => {
  it('shows pods, endpoints and rollout progress as the cluster changes', { timeout: 240_000 }, async () => {
    await api.listen();
    const dir = mkdtempSync(join(tmpdir(), 'bluegreen-e2e-kube-'));
    writeFileSync(join(dir, 'config'), api.kubeconfig(NS));
    before(api);
    const app = spawnCli(['serve'], {
      PORT: '0',
      HOST: '127.0.0.1',
      COLOR: 'blue',
      POD_NAME: B1,
      LOG_LEVEL: 'info',
    });
    const listening = await app.waitFor(/\{[^\n]*"msg":"listening"[^\n]*\}/);
    const appUrl = `http://127.0.0.1:${(JSON.parse(listening[0]) as { port: number }).port}/`;
    const load = spawnCli(
      [
        'load',
        appUrl,
        '--kube',
        '--selector',
        SELECTOR,
        '--service',
        'app',
        '--rate',
        '20',
        '--ui',
        '0',
        '--duration',
        '200s',
      ],
      { KUBECONFIG: join(dir, 'config') },
    );
    const [, pageUrl] = await load.waitFor(/dashboard: (http:\/\/\S+)/, 30_000);
    const browser = await launchBrowser();
    const { page, errors } = await newPage(browser);
    await page.goto(pageUrl!);
    const state = (pod: string, s: string): string => `[data-pod="${pod}"] [data-cluster-state="${s}"]`;
    // Generous: each step crosses the stand-in API's watch, the loadtester and the page, and a busy shared
    // machine once took over 15 s for one of them.
    const wait = (selector: string): Promise<unknown> => page.waitForSelector(selector, { timeout: 30_000 });

    await wait(state(B1, 'in-endpoints'));
    const [toRevision2, addG1, scheduleG1, readyG1, joinG1, terminateB1, drainB1, ...rest] = ROLLOUT;
    toRevision2!.apply(api);
    await wait(
      '[data-testid="rollout-progress"][data-revision="2"] [data-testid="progress-updated"][data-value="0"]',
    );
    addG1!.apply(api);
    await wait(state(G1, 'pending'));
    scheduleG1!.apply(api);
    await wait(`${state(G1, 'pending')}:has-text("scheduled")`);
    readyG1!.apply(api);
    await wait(state(G1, 'ready'));
    joinG1!.apply(api);
    await wait(state(G1, 'in-endpoints'));
    await wait('[data-testid="progress-updated"][data-value="1"]');
    terminateB1!.apply(api);
    drainB1!.apply(api);
    await wait(`${state(B1, 'terminating')}:has-text("still in endpoints")`);
    await screenshot(page, 'kube-draining');
    for (const step of rest) step.apply(api);
    await wait(state(G2, 'in-endpoints'));
    await wait(
      '[data-testid="rollout-progress"][data-result="complete"] [data-testid="progress-available"][data-value="2"]',
    );
    // The gone pod keeps its tile (greyed, under "gone") with its cluster state.
    expect(await page.locator(`[data-pod="${B1}"]`).getAttribute('data-state')).toBe('gone');
    // Cluster events in the log, with the endpoint changes.
    const log = await page.locator('[data-testid="events"]').innerText();
    expect(log).toMatch(/rollout-finished/);
    await screenshot(page, 'kube-done');
    expect(errors).toEqual([]);
    load.kill('SIGINT');
    expect(await load.exited).toBe(0);
    app.kill('SIGTERM');
  });

  it('says while the cluster view fails, in English and Korean', { timeout: 180_000 }, async () => {
    await forbidding.listen();
    forbidding.forbidden.add(PATHS.pods);
    const dir = mkdtempSync(join(tmpdir(), 'bluegreen-e2e-kube-403-'));
    writeFileSync(join(dir, 'config'), forbidding.kubeconfig(NS));
    // Every request refused: incidents from the start, whose cause the missing pods might have told.
    const load = spawnCli(
      [
        'load',
        `http://127.0.0.1:${await closedPort()}/`,
        '--kube',
        '--selector',
        SELECTOR,
        '--rate',
        '10',
        '--ui',
        '0',
        '--duration',
        '120s',
      ],
      { KUBECONFIG: join(dir, 'config') },
    );
    const [, pageUrl] = await load.waitFor(/dashboard: (http:\/\/\S+)/, 30_000);
    const browser = await launchBrowser();
    const { page, errors } = await newPage(browser);
    await page.goto(pageUrl!);
    const notice = page.locator('[data-testid="cluster-view-notice"]');
    await notice.waitFor({ timeout: 30_000 });
    expect(await notice.locator('[data-testid="cluster-view-failure"]').count()).toBe(1);
    expect(await notice.innerText()).toContain(
      "cluster view: 403 listing pods in bluegreen — the loadtester's account (its Role) needs get, list and watch on pods",
    );
    await page.waitForSelector('[data-testid="incident"][data-cause="cluster-view-failing"]', {
      timeout: 30_000,
    });
    expect(await page.locator('[data-testid="incident"]').first().innerText()).toMatch(
      /cause unreadable: cluster view failing[\s\S]*the cause could not be read from the cluster/,
    );
    expect(await page.locator('[data-testid="events"]').innerText()).toMatch(/cluster-view-failed/);
    await screenshot(page, 'kube-forbidden');

    await page.locator('[data-testid="language"] button[data-lang="ko"]').click();
    await page.waitForSelector('[data-testid="language"][data-lang="ko"]');
    expect(await notice.innerText()).toContain(
      '클러스터 보기: bluegreen의 pods 목록 조회에 403 — 로드테스터 계정(Role)에 pods에 대한 get, list, watch 권한이 필요합니다',
    );
    expect(await page.locator('[data-testid="incident"]').first().innerText()).toMatch(
      /원인 읽기 불가: 클러스터 보기 실패/,
    );

    // Allowed again: the notice goes once the watch of pods is healthy (after the retry's backoff).
    forbidding.forbidden.delete(PATHS.pods);
    await notice.waitFor({ state: 'detached', timeout: 90_000 });
    expect(await page.locator('[data-testid="events"]').innerText()).toMatch(/cluster-view-back/);
    expect(errors).toEqual([]);
    load.kill('SIGINT');
    await load.exited;
  });
});
