/**
 * The deployment pipeline (.github/workflows/deploy.yml and its action .github/actions/aws-target) and the runbook
 * it and the alarms point to (docs/operations.md), read as text (no YAML parser is a dependency of the project;
 * the checks read the workflow's own layout: jobs at two spaces under `jobs:`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';

const workflow = readFileSync('.github/workflows/deploy.yml', 'utf8');
const action = readFileSync('.github/actions/aws-target/action.yml', 'utf8');
const runbook = readFileSync('docs/operations.md', 'utf8');
const app = readFileSync('infra/app.ts', 'utf8');

const PROVINCES = readdirSync('config/provinces')
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.slice(0, -'.json'.length))
  .sort();
const ENVIRONMENTS = ['dev', 'staging', 'prod'];

/** The jobs of the workflow by id: the lines under `  <id>:` in `jobs:`. */
function jobsOf(text: string): Map<string, string> {
  const start = text.indexOf('\njobs:\n');
  if (start < 0) throw new Error('the workflow has no jobs');
  const jobs = new Map<string, string>();
  let current: string | undefined;
  for (const line of text.slice(start + '\njobs:\n'.length).split('\n')) {
    const header = /^ {2}([a-z0-9-]+):\s*$/.exec(line);
    if (header) {
      current = header[1]!;
      jobs.set(current, '');
    } else if (/^\S/.test(line)) {
      break;
    } else if (current) {
      jobs.set(current, `${jobs.get(current)}${line}\n`);
    }
  }
  return jobs;
}

const jobs = jobsOf(workflow);

/** A GitHub Actions expression as the workflow writes it, `${{ … }}`. */
const expr = (inner: string): string => `$\{{ ${inner} }}`;

function job(id: string): string {
  const found = jobs.get(id);
  if (found === undefined) throw new Error(`the workflow has no job ${id}`);
  return found;
}

/** A flow list `key: [a, b]` of a job (its matrix), sorted. */
function listOf(text: string, key: string): string[] {
  const match = new RegExp(`^\\s+${key}: \\[([^\\]]*)\\]\\s*$`, 'm').exec(text);
  return match
    ? match[1]!
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
        .sort()
    : [];
}

/** A job's own `key: value` (four spaces in). */
const fieldOf = (text: string, key: string): string | undefined =>
  new RegExp(`^ {4}${key}: (.+)$`, 'm').exec(text)?.[1]?.trim();

/** The mapping under a job's `key:` (e.g. environment, concurrency), as its `sub: value` lines. */
function blockOf(text: string, key: string): Record<string, string> {
  const lines = text.split('\n');
  const at = lines.indexOf(`    ${key}:`);
  const entries: Record<string, string> = {};
  if (at < 0) return entries;
  for (const line of lines.slice(at + 1)) {
    const entry = /^ {6}([a-z-]+): (.+)$/.exec(line);
    if (!entry) break;
    entries[entry[1]!] = entry[2]!.trim();
  }
  return entries;
}

/** Shell commands of a text, backslash continuations joined. */
const commandsOf = (text: string): string[] =>
  text
    .replace(/\s*\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => !line.startsWith('#'));

describe('the deployment pipeline', () => {
  test('the CDK app is told the province and the environment as infra/app.ts reads them', () => {
    expect(app).toContain("tryGetContext('province')");
    expect(app).toContain("tryGetContext('env')");
    const cdkCommands = commandsOf(workflow).filter((line) => /^npx cdk (diff|deploy)\b/.test(line));
    expect(cdkCommands.length).toBeGreaterThanOrEqual(5);
    for (const command of cdkCommands) {
      expect(command).toMatch(/ -c province="\$PROVINCE" /);
      expect(command).toMatch(/ -c env=("\$ENVIRONMENT"|dev|staging|prod) /);
    }
  });

  test('on a pull request: npm ci, npm test, and a cdk diff of every province config in every environment', () => {
    expect(workflow).toMatch(/^ {2}pull_request:\n {4}branches: \[main\]$/m);
    const tests = job('test');
    expect(tests).toMatch(/- run: npm ci$/m);
    expect(tests).toMatch(/- run: npm test$/m);

    const diff = job('diff');
    expect(fieldOf(diff, 'if')).toContain("github.event_name == 'pull_request'");
    expect(listOf(diff, 'province')).toEqual(PROVINCES);
    expect(listOf(diff, 'environment')).toEqual([...ENVIRONMENTS].sort());
    expect(diff).toContain(`PROVINCE: ${expr('matrix.province')}`);
    expect(diff).toContain(`ENVIRONMENT: ${expr('matrix.environment')}`);
    expect(
      commandsOf(diff).some((c) => c.startsWith('npx cdk diff -c province="$PROVINCE" -c env="$ENVIRONMENT"')),
    ).toBe(true);
    expect(diff).toContain('kind: DIFF');
    // The diff is in the job log (tee) and in the run's summary.
    expect(diff).toContain('| tee cdk-diff.txt');
    expect(diff).toContain('$GITHUB_STEP_SUMMARY');
  });

  test('on a push to main: dev, then staging, then the prod diff, then prod; every province; one deploy at a time', () => {
    expect(workflow).toMatch(/^ {2}push:\n {4}branches: \[main\]$/m);
    const order = ['test', 'deploy-dev', 'deploy-staging', 'diff-prod', 'deploy-prod'];
    for (const [i, id] of order.entries()) {
      if (i === 0) continue;
      const it = job(id);
      expect(fieldOf(it, 'needs'), id).toBe(order[i - 1]);
      expect(fieldOf(it, 'if'), id).toBe("github.event_name == 'push'");
      expect(listOf(it, 'province'), id).toEqual(PROVINCES);
    }
    expect(
      commandsOf(job('diff-prod')).some((c) => c.startsWith('npx cdk diff -c province="$PROVINCE" -c env=prod')),
    ).toBe(true);
    for (const environment of ENVIRONMENTS) {
      const deploy = job(`deploy-${environment}`);
      expect(blockOf(deploy, 'environment').name).toBe(`${expr('matrix.province')}-${environment}`);
      expect(blockOf(deploy, 'concurrency')).toEqual({
        group: `deploy-${expr('matrix.province')}-${environment}`,
        'cancel-in-progress': 'false',
      });
      expect(deploy).toContain(`environment: ${environment}\n`);
      expect(deploy).toContain('kind: DEPLOY');
      expect(
        commandsOf(deploy).some((c) =>
          c.startsWith(`npx cdk deploy --all -c province="$PROVINCE" -c env=${environment} --require-approval never`),
        ),
        environment,
      ).toBe(true);
    }
  });

  test('prod is deployed only after approval: its environment <province>-prod has required reviewers', () => {
    expect(blockOf(job('deploy-prod'), 'environment').name).toBe(`${expr('matrix.province')}-prod`);
    // Reviewers are a setting of the GitHub environment, not of the workflow: the runbook sets them up.
    expect(runbook).toMatch(
      /gh api --method PUT "repos\/\$REPO\/environments\/\$P-prod" --input - <<EOF\n\s*\{"reviewers":\[/,
    );
    expect(runbook).toContain('**required reviewers**');
    // Nothing deploys to prod but the approved job.
    const prodDeploys = [...jobs].filter(([, text]) =>
      /-c env=prod --require-approval/.test(text.replace(/\\\n\s*/g, '')),
    );
    expect(prodDeploys.map(([id]) => id)).toEqual(['deploy-prod']);
  });

  test('AWS credentials come from GitHub OIDC, with the role of each province environment from a variable', () => {
    expect(action).toMatch(/uses: aws-actions\/configure-aws-credentials@v\d+/);
    expect(action).toContain(`role-to-assume: ${expr('steps.target.outputs.role')}`);
    expect(action).toMatch(/name="AWS_\$\{KIND\}_ROLE_/);
    for (const text of [workflow, action]) {
      expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY/);
    }
    for (const [id, text] of jobs) {
      if (!text.includes('uses: ./.github/actions/aws-target')) continue;
      expect(text, id).toMatch(/^ {6}id-token: write$/m);
      expect(text, id).toContain(`vars-json: ${expr('toJSON(vars)')}`);
    }
    expect(runbook).toContain('AWS_DEPLOY_ROLE_');
    expect(runbook).toContain('AWS_DIFF_ROLE_');
  });
});

describe('the runbook', () => {
  test('every section an alarm names is a heading of docs/operations.md', () => {
    const stacks = readdirSync('infra/stacks').filter((file) => file.endsWith('.ts'));
    const named = new Set(
      stacks.flatMap((file) =>
        [...readFileSync(`infra/stacks/${file}`, 'utf8').matchAll(/runbook: '([^']+)'/g)].map((m) => m[1]!),
      ),
    );
    expect(named.size).toBeGreaterThan(5);
    const headings = new Set(
      runbook
        .split('\n')
        .filter((line) => line.startsWith('#'))
        .map((line) => line.replace(/^#+\s*/, '').trim()),
    );
    for (const section of named) expect(headings, section).toContain(section);
  });
});
