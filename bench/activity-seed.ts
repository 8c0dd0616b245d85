// Seeding for bench/activity: a realistic activity log (and executions with their daily rollup) generated inside the
// database with generate_series, so a million rows take seconds on PostgreSQL instead of a million API calls.
//
// Shape (deterministic: setseed before each INSERT):
//   - workspaces: the ids given (20 in the bench); sizes skewed — the first workspace holds about a quarter of the
//     rows, the last about 1 % (index = floor(W · r^1.8)); 2 % of entries are instance-level (no workspace);
//   - actors: 10 agents per workspace (agt_bench_<w>_<k>, skewed towards the first ones: 200 agents in all), 85 % of
//     entries; 10 users (12 %); `system` (3 %);
//   - 30 actions with skewed frequencies (ticket.moved 22 %, ticket.claimed 20 % … webhook.auto_disabled 0.01 %);
//     `status` where the action has an outcome (ticket.moved → the new status, execution.finished → success/failed/
//     blocked, …), null otherwise;
//   - 12 months of timestamps, denser towards now (entry g of N at now − 365 d · (1 − g/N)^1.5), inserted in time
//     order as the app does, so the heap is correlated with created_at as it is in production;
//   - summaries: "claimed #4711 fix flaky login redirect" — ticket numbers 1..50,000 (a number is a rare word: ~20
//     entries at 1M) and 3–5 words from a 300-word vocabulary with a Zipf-like skew (`fix` is common, `kerberos` rare).

/** Vocabulary of titles, most frequent first (drawn with index floor(V · r^3)). */
export const VOCABULARY = `fix add update test api login ticket agent error page build deploy user docs refactor cache
timeout retry dashboard webhook workspace release config flaky search report check migration database index query
metrics budget cost token model prompt claim review merge branch pipeline job queue worker cron schedule lease
session cookie password key rotate secret audit log event stream notify email slack mention comment wiki markdown
render chart table filter sort cursor paging export import csv json schema contract openapi client sdk cli docker
image container helm terraform kubernetes ingress proxy tls certificate dns domain redirect cors header upload
download file storage bucket backup restore snapshot replica failover latency throughput memory leak cpu profile
trace span metric alert incident postmortem oncall runbook sla uptime health probe readiness liveness rollout
canary feature flag experiment variant onboarding signup invite member role permission policy tenant isolation
billing invoice payment refund subscription plan quota limit throttle ratelimit backoff jitter idempotency dedupe
race lock deadlock transaction rollback commit savepoint vacuum analyze bloat partition shard sequence uuid
timestamp timezone locale translation i18n accessibility contrast keyboard focus modal dialog tooltip dropdown
sidebar navbar footer layout responsive mobile tablet desktop dark theme icon font spacing animation transition
skeleton spinner toast banner empty state placeholder avatar badge tag label status priority estimate sprint
epic story task subtask blocker dependency milestone roadmap changelog readme license contributor reviewer
approver owner admin viewer guest anonymous bot crawler scraper parser lexer compiler bundler minify sourcemap
polyfill shim adapter gateway openclaw dispatcher scheduler executor runner sandbox quarantine kerberos ldap saml
oidc oauth jwt hmac signature nonce replay csrf xss sqli sanitizer escaping unicode emoji newline whitespace
truncate ellipsis overflow underflow rounding precision decimal currency invoiceid ledger reconcile settlement
payout chargeback dispute fraud heuristic anomaly forecast seasonality regression baseline benchmark flamegraph
zeppelin quokka axolotl narwhal`
  .split(/\s+/)
  .filter(Boolean);

/** Agent k of workspace w is named `${AGENT_NAMES[k]}-${w + 1}` (the seed writes the same names as actor names). */
export const AGENT_NAMES = ['atlas', 'nova', 'orion', 'vega', 'lyra', 'castor', 'rigel', 'deneb', 'altair', 'mira'];

export const STATUSES = ['todo', 'in_progress', 'review', 'done', 'blocked'] as const;

/** action, relative weight, target kind, statuses (weighted by repetition; empty = no outcome). */
export const ACTIONS: [string, number, string, string[]][] = [
  ['ticket.moved', 22, 'ticket', ['in_progress', 'in_progress', 'in_progress', 'review', 'review', 'done', 'done', 'done', 'blocked', 'todo']],
  ['ticket.claimed', 20, 'ticket', ['in_progress']],
  ['comment.created', 10, 'ticket', []],
  ['ticket.updated', 8, 'ticket', []],
  ['ticket.created', 8, 'ticket', ['todo']],
  ['execution.started', 8, 'execution', ['running']],
  ['execution.finished', 8, 'execution', ['success', 'success', 'success', 'success', 'success', 'success', 'success', 'success', 'failed', 'blocked']],
  ['cron.run_finished', 2, 'cron', ['success', 'success', 'success', 'failed']],
  ['ticket.lease_expired', 2, 'ticket', ['todo']],
  ['ticket.assigned', 2, 'ticket', []],
  ['ticket.released', 1.5, 'ticket', ['todo']],
  ['user.logged_in', 1.5, 'user', []],
  ['wiki.change_merged', 1, 'wiki', []],
  ['epic.created', 0.5, 'ticket', []],
  ['agent.registered', 0.3, 'agent', ['pending']],
  ['agent.approved', 0.3, 'agent', ['active']],
  ['agent.updated', 0.3, 'agent', []],
  ['agent.key_rotated', 0.2, 'agent', []],
  ['member.added', 0.2, 'user', []],
  ['workspace.updated', 0.2, 'workspace', []],
  ['workspace.budget_changed', 0.1, 'workspace', []],
  ['api_key.created', 0.1, 'api_key', []],
  ['agent.rejected', 0.05, 'agent', ['rejected']],
  ['agent.deactivated', 0.05, 'agent', ['inactive']],
  ['agent.activated', 0.05, 'agent', ['active']],
  ['member.role_changed', 0.05, 'user', []],
  ['member.removed', 0.05, 'user', []],
  ['webhook.created', 0.05, 'webhook', []],
  ['webhook.deleted', 0.02, 'webhook', []],
  ['webhook.auto_disabled', 0.01, 'webhook', ['disabled']],
];

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The actions as a VALUES list with cumulative bounds in [0, 1): one range join picks an action per row. */
function actionsValues(): string {
  const total = ACTIONS.reduce((s, a) => s + a[1], 0);
  let acc = 0;
  return ACTIONS.map(([action, w, kind, statuses]) => {
    const lo = acc / total;
    acc += w;
    const hi = acc === total ? 1.0000001 : acc / total;
    const st = statuses.length ? `ARRAY[${statuses.map(lit).join(',')}]::text[]` : 'ARRAY[]::text[]';
    return `(${lo}, ${hi}, ${lit(action)}, ${lit(kind)}, ${st})`;
  }).join(',\n      ');
}

/**
 * INSERT `rows` activity entries numbered from `first` (ids act_bench_<n>, so several batches can follow each
 * other) of `total` in all. `$1` = workspace ids (text[]), `$2` = reference time (timestamptz), `$3` = agent ids
 * (text[], 10 per workspace: agent k of workspace w at w·10 + k; their names are `<star>-<w+1>`, see AGENT_NAMES).
 */
export function activitySeedSql(first: number, rows: number, total: number): string {
  const vocab = `ARRAY[${VOCABULARY.map(lit).join(',')}]::text[]`;
  return `
INSERT INTO activity (id, workspace_id, actor_kind, actor_id, actor_name, action, target_kind, target_id, summary,
                      metadata, status, request_id, created_at)
SELECT 'act_bench_' || lpad(g::text, 9, '0'),
       CASE WHEN s.r_scope < 0.02 THEN NULL ELSE ($1::text[])[s.w + 1] END,
       s.kind, s.actor_id,
       CASE s.kind WHEN 'agent' THEN (ARRAY['atlas','nova','orion','vega','lyra','castor','rigel','deneb','altair','mira'])[s.k + 1] || '-' || (s.w + 1)
                   WHEN 'user' THEN (ARRAY['Alice','Bob','Carol','Dave','Erin','Frank','Grace','Heidi','Ivan','Judy'])[s.k + 1] || ' Admin'
                   ELSE 'system' END,
       a.action, a.kind,
       a.kind || '_bench_' || s.num,
       CASE WHEN a.kind = 'ticket' THEN split_part(a.action, '.', 2) || ' #' || s.num || ' ' ELSE a.action || ' ' END
         || v[1 + floor(${VOCABULARY.length} * power(random(), 3))::int] || ' '
         || v[1 + floor(${VOCABULARY.length} * power(random(), 3))::int] || ' '
         || v[1 + floor(${VOCABULARY.length} * power(random(), 3))::int]
         || CASE WHEN random() < 0.5 THEN ' ' || v[1 + floor(${VOCABULARY.length} * power(random(), 3))::int] ELSE '' END,
       '{}'::jsonb,
       CASE WHEN cardinality(a.statuses) = 0 THEN NULL ELSE a.statuses[1 + floor(random() * cardinality(a.statuses))::int] END,
       NULL,
       $2::timestamptz - interval '365 days' * power(1 - (g - 0.5) / ${total}::float8, 1.5)
FROM generate_series(${first}, ${first + rows - 1}) g
CROSS JOIN LATERAL (
  SELECT random() AS r_scope, random() AS r_action, w, k, kind,
         CASE kind WHEN 'agent' THEN ($3::text[])[w * 10 + k + 1] WHEN 'user' THEN 'usr_bench_' || k ELSE NULL END AS actor_id,
         1 + floor(50000 * random())::int AS num
  FROM (SELECT floor(cardinality($1::text[]) * power(random(), 1.8))::int AS w,
               floor(10 * power(random(), 1.5))::int AS k,
               CASE WHEN x < 0.85 THEN 'agent' WHEN x < 0.97 THEN 'user' ELSE 'system' END AS kind
        FROM (SELECT random() AS x, g AS _g) x0) x1
) s
CROSS JOIN LATERAL (
  SELECT * FROM (VALUES
      ${actionsValues()}
  ) AS t(lo, hi, action, kind, statuses)
  WHERE s.r_action >= t.lo AND s.r_action < t.hi
  LIMIT 1
) a
CROSS JOIN (SELECT ${vocab} AS v) vv`;
}

export const MODELS = ['claude-sonnet-4', 'gpt-4o', 'gpt-4o-mini', 'claude-3-5-haiku', 'gemini-2.5-pro', 'o3'];

/**
 * INSERT `rows` finished (and, for the newest, running) executions numbered from `first` of `total`, in start order,
 * with the same workspace/agent skew as the activity log: 85 % success, 10 % failed, 4 % blocked, the newest 0.1 %
 * running; tokens, cost and a decision log of 0–2 entries with words of the vocabulary (the search vector reads them).
 * `$1` workspace ids, `$2` reference time, `$3` agent ids.
 */
export function executionsSeedSql(first: number, rows: number, total: number): string {
  const vocab = `ARRAY[${VOCABULARY.map(lit).join(',')}]::text[]`;
  const word = `v[1 + floor(${VOCABULARY.length} * power(random(), 3))::int]`;
  return `
INSERT INTO executions (id, workspace_id, agent_id, ticket_id, status, started_at, ended_at, duration_ms, tokens_in,
                        tokens_out, api_calls, model, cost_usd, cost_source, decisions, summary, updated_at)
SELECT 'exe_bench_' || lpad(g::text, 9, '0'), ($1::text[])[s.w + 1], ($3::text[])[s.w * 10 + s.k + 1],
       CASE WHEN random() < 0.8 THEN 'tkt_bench_' || (1 + floor(50000 * random())::int) END,
       s.status, s.started,
       CASE WHEN s.status <> 'running' THEN s.started + s.dur * interval '1 millisecond' END,
       CASE WHEN s.status <> 'running' THEN s.dur END,
       s.tin, s.tout, 1 + floor(20 * random())::int, s.model,
       round((s.tin * 3 + s.tout * 15) / 1e6, 6), 'computed',
       CASE WHEN s.nd = 0 THEN '[]'::jsonb
            ELSE jsonb_build_array(jsonb_build_object('input', ${word} || ' ' || ${word}, 'reasoning', ${word} || ' ' || ${word} || ' ' || ${word}, 'output', ${word},
                                                'at', to_char(s.started AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))) END,
       s.model || ' ' || ${word} || ' ' || ${word} || ' ' || ${word},
       s.started
FROM generate_series(${first}, ${first + rows - 1}) g
CROSS JOIN LATERAL (
  SELECT w, k, model, started, dur, tin, tout, nd,
         CASE WHEN g > ${total} - ${total} / 1000 THEN 'running' WHEN x < 0.85 THEN 'success' WHEN x < 0.95 THEN 'failed' ELSE 'blocked' END AS status
  FROM (SELECT floor(cardinality($1::text[]) * power(random(), 1.8))::int AS w,
               floor(10 * power(random(), 1.5))::int AS k,
               (ARRAY[${MODELS.map(lit).join(',')}])[1 + floor(${MODELS.length} * power(random(), 2))::int] AS model,
               $2::timestamptz - interval '365 days' * power(1 - (g - 0.5) / ${total}::float8, 1.5) AS started,
               (1000 + floor(600000 * power(random(), 3)))::bigint AS dur,
               (500 + floor(50000 * random()))::bigint AS tin, (100 + floor(8000 * random()))::bigint AS tout,
               CASE WHEN random() < 0.3 THEN 1 ELSE 0 END AS nd, random() AS x, g AS _g) x0
) s
CROSS JOIN (SELECT ${vocab} AS v) vv`;
}

/** The daily rollup the app keeps on finish, rebuilt from the seeded executions. */
export const STATS_SEED_SQL = `
INSERT INTO execution_stats_daily (workspace_id, agent_id, model, day, attempted, succeeded, failed, blocked, tokens_in,
                                   tokens_out, api_calls, cost_usd, duration_ms)
SELECT workspace_id, agent_id, coalesce(model, ''), (ended_at AT TIME ZONE 'UTC')::date, count(*),
       count(*) FILTER (WHERE status = 'success'), count(*) FILTER (WHERE status = 'failed'),
       count(*) FILTER (WHERE status = 'blocked'), sum(tokens_in), sum(tokens_out), sum(api_calls),
       coalesce(sum(cost_usd), 0), coalesce(sum(duration_ms), 0)
FROM executions WHERE ended_at IS NOT NULL AND id LIKE 'exe_bench_%'
GROUP BY 1, 2, 3, 4
ON CONFLICT DO NOTHING`;
