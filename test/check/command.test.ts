/** `bluegreen check` as a user runs it: the real CLI, real files in a temp folder, real stdin. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type { Log } from 'sarif';
import { afterAll, describe, expect, it } from 'vitest';
import { killAllCli, spawnCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'bluegreen-check-'));
afterAll(async () => {
  await killAllCli();
  rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[], stdin?: string, env: NodeJS.ProcessEnv = {}) {
  const cli = spawnCli(['check', ...args], env, stdin);
  const code = await cli.exited;
  return { code, out: cli.stdout(), err: cli.stderr() };
}

/** Document 2 does not parse; the others are still checked (a wrong group, a Service port no pod has). */
const BROKEN = `apiVersion: v1
kind: ReplicaSet
metadata: {name: x}
---
kind: Service
metadata: [
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
`;

const configMap = (name: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: shop\n`;

describe('bluegreen check', () => {
  it('with no path checks the deploy/ it ships: its variants and the lab steps, no errors or warnings', async () => {
    const { code, out } = await run([]);
    // deploy/, its three variants (blue-green, canary, gateway-api), and deploy/lab/ (seven steps, step 6's
    // side-by-side, the trainer's kit).
    expect(out).toMatch(/13 sets checked: 0 errors, 0 warnings, \d+ info/);
    expect(out).toMatch(/Service\/bluegreen\/app {2}deploy\/canary\/22-app-service\.yaml\n +\d+ {2}info/);
    expect(code).toBe(0);
  });

  it('reads standard input; a document that does not parse is reported with its line, the others checked', async () => {
    const { code, out } = await run(['-'], BROKEN);
    expect(out).toMatch(/^document 2 {2}-\n +7 {2}error +.*\[yaml\]$/m);
    expect(out).toMatch(
      /^ReplicaSet\/x {2}-\n +1 {2}error +apiVersion: ReplicaSet is in apps\/v1, not v1 +\[type-meta\]$/m,
    );
    expect(out).toContain('Why, and how to fix:\n');
    expect(code).toBe(1);
  });

  it('checks folders recursively, each sub-folder as a set of its own', async () => {
    const root = join(dir, 'tree');
    mkdirSync(join(root, 'variant', 'deeper'), { recursive: true });
    writeFileSync(join(root, 'a.yaml'), configMap('settings'));
    writeFileSync(join(root, 'variant', 'b.yaml'), configMap('settings'));
    writeFileSync(
      join(root, 'variant', 'deeper', 'c.yaml'),
      `${configMap('twice')}---\n${configMap('twice')}`,
    );
    const { code, out } = await run(['--format', 'json', root]);
    const report = JSON.parse(out) as {
      sets: string[];
      findings: { rule: string; severity: string; file: string; line: number }[];
    };
    expect(report.sets).toHaveLength(3);
    // The same ConfigMap in the folder and in its variant is no duplicate; twice in one set is.
    const problems = report.findings.filter((f) => f.severity !== 'info');
    expect(problems.map((f) => [f.rule, f.file.split('/').slice(-2).join('/'), f.line])).toEqual([
      ['duplicate', 'deeper/c.yaml', 10],
    ]);
    expect(code).toBe(1);
  });

  it('writes SARIF 2.1.0 that validates against the schema, with file and line per result', async () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, BROKEN);
    const { code, out } = await run(['--format', 'sarif', file]);
    const log = JSON.parse(out) as Log;
    const schema = JSON.parse(
      readFileSync(new URL('./sarif-2.1.0-rtm.5.json', import.meta.url), 'utf8'),
    ) as object;
    // The schema's patterns predate unicode-mode regular expressions.
    const ajv = new AjvDraft04.default({ strict: false, unicodeRegExp: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const results = log.runs[0]!.results!;
    expect(
      results.map((r) => [r.ruleId, r.level, r.locations![0]!.physicalLocation!.region!.startLine]),
    ).toEqual(
      expect.arrayContaining([
        ['yaml', 'error', 7],
        ['type-meta', 'error', 1],
      ]),
    );
    expect(results[0]!.locations![0]!.physicalLocation!.artifactLocation!.uri).toMatch(/broken\.yaml$/);
    expect(code).toBe(1);
  });

  it('sets the exit code with --fail-on and leaves rules out with --ignore', async () => {
    // A Service in the default namespace: a warning only.
    const service = `apiVersion: v1\nkind: Service\nmetadata: {name: db, namespace: default}\nspec: {ports: [{port: 5432}]}\n`;
    expect((await run(['-'], service)).code).toBe(0);
    expect((await run(['--fail-on', 'warning', '-'], service)).code).toBe(1);
    const ignored = await run(
      ['--fail-on', 'warning', '--ignore', 'namespace', '--ignore', 'labels', '-'],
      service,
    );
    expect(ignored.out).toContain('1 set checked: 0 errors, 0 warnings, 0 info');
    expect(ignored.code).toBe(0);
  });

  it.each([
    [['--format', 'xml'], /^bluegreen: --format: "xml" must be one of text, json, sarif\n$/],
    [['--ignore', 'nope'], /^bluegreen: --ignore: "nope" is not a rule/],
    [['--fail-on', 'never'], /^bluegreen: --fail-on: "never" must be one of error, warning, info/],
    [
      ['no-such-folder'],
      /^bluegreen: cannot read manifests from no-such-folder: no such file or directory\n$/,
    ],
  ])('exits 2 on bad usage: %s', async (args, message) => {
    const { code, err } = await run(args);
    expect(err).toMatch(message);
    expect(code).toBe(2);
  });
});

describe('start-up cost', () => {
  // The build bundles each subcommand into an entry of its own (dist/cli/<name>.js and the files it
  // loads, scripts/bundle.ts): "loading the check" means loading the entry that holds its code (check's
  // own, or the one that registers every subcommand), or the Kubernetes schema types in node_modules.
  // Records every module the CLI loads (module hooks run before the CLI's own code), and what CommonJS
  // code requires (serve's entry is a CommonJS bundle, which those hooks do not see on Node 20).
  const hooks = join(dir, 'hooks.mjs');
  // Anchored at the project's own dist/, so a checkout under a folder named "check" cannot match.
  const checkEntries = ['check.js', 'all.js'].map(
    (f) => new URL(`../../dist/cli/${f}`, import.meta.url).href,
  );
  const register = join(dir, 'register.mjs');
  writeFileSync(
    hooks,
    `import { writeSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (${JSON.stringify(checkEntries)}.includes(result.url) || /kubernetes-models/.test(result.url)) writeSync(2, 'loaded ' + result.url + '\\n');
  return result;
}\n`,
  );
  writeFileSync(
    register,
    `import { writeSync } from 'node:fs';
import Module, { register } from 'node:module';
register(${JSON.stringify(pathToFileURL(hooks).href)});
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (/kubernetes-models/.test(request)) writeSync(2, 'loaded ' + request + '\\n');
  return load.call(this, request, parent, isMain);
};\n`,
  );
  const env = { NODE_OPTIONS: `--import ${pathToFileURL(register).href}` };
  // The sources in each entry's files (scripts/bundle.ts writes the list from esbuild's metafile).
  const bundled = (): Record<string, string[]> =>
    JSON.parse(readFileSync(new URL('../../dist/bundle-inputs.json', import.meta.url), 'utf8')) as Record<
      string,
      string[]
    >;

  it('serve loads neither the check nor the Kubernetes schema types', async () => {
    const serve = spawnCli(['serve', '--port', '0'], { ...env, LOG_LEVEL: 'info' });
    await serve.waitFor(/"msg":"ready"/);
    serve.kill();
    await serve.exited;
    expect(serve.stderr()).not.toMatch(/^loaded /m);
  });

  it("serve's files hold none of the check's code, nor the loadtester's or the demo's", () => {
    const serve = bundled()['cli/serve.ts']!;
    expect(serve).toContain('server/app.ts');
    expect(serve.filter((s) => /^(check|loadtester|demo)\/|kubernetes-models/.test(s))).toEqual([]);
  });

  it('check does load them (so the tests above can see them)', async () => {
    const { err } = await run(['-'], configMap('x'), env);
    expect(err).toMatch(/^loaded .*\/dist\/cli\/check\.js$/m);
    expect(err).toMatch(/^loaded .*kubernetes-models/m);
    expect(bundled()['cli/check.ts']).toContain('check/main.ts');
  });
});
