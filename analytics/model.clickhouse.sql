-- The analytics model over inscene events, ClickHouse dialect (tested on embedded ClickHouse,
-- chdb). The same views, with the same meaning, as analytics/model.duckdb.sql; the runner
-- (analytics/run.py) or your ingestion fills `raw_events` (docs/ANALYTICS.md has the cluster
-- table, ordered and sharded by session).

-- Each event once: a host that retries sends an event twice, with the same session and seq.
CREATE VIEW events AS
SELECT * FROM raw_events WHERE session IS NOT NULL AND seq IS NULL
UNION ALL
SELECT * FROM (
  SELECT * FROM raw_events WHERE session IS NOT NULL AND seq IS NOT NULL
  ORDER BY at LIMIT 1 BY session, seq
);

-- One row per session: its scenario and how it ended (a person over a solution over leaving,
-- whatever order the events arrive in), and the step it was on last.
CREATE VIEW sessions AS
SELECT
  session,
  ifNull(argMinIf(scenario, ifNull(seq, 0), scenario IS NOT NULL), '(no scenario)') AS scenario,
  multiIf(
    max(multiIf(type = 'escalated', 3, type = 'resolved', 2, type = 'abandoned', 1, 0)) = 3, 'escalated',
    max(multiIf(type = 'escalated', 3, type = 'resolved', 2, type = 'abandoned', 1, 0)) = 2, 'resolved',
    max(multiIf(type = 'escalated', 3, type = 'resolved', 2, type = 'abandoned', 1, 0)) = 1, 'abandoned',
    'open') AS outcome,
  argMaxIf(concat(ifNull(flow, '?'), '/', assumeNotNull(step)), ifNull(seq, 0), type = 'step_viewed' AND step IS NOT NULL) AS last_step,
  countIf(type = 'step_viewed' AND step IS NOT NULL) > 0 AS viewed_any
FROM events
GROUP BY session;

-- Per scenario: sessions started, outcomes, deflection (resolved without a person, over every
-- session seen), a person reached, route fallbacks, feedback.
CREATE VIEW scenario_stats AS
WITH per_event AS (
  SELECT s.scenario AS scenario,
    countIf(e.type = 'started') AS started,
    countIf(e.type = 'feedback' AND e.helpful) AS feedback_helpful,
    countIf(e.type = 'feedback' AND NOT e.helpful) AS feedback_unhelpful,
    countIf(e.type = 'handoff_status' AND e.state = 'accepted') AS reached_person,
    countIf((e.type = 'escalated' AND e.fallback) OR (e.type = 'handoff_status' AND e.state = 'failed')) AS route_fallbacks,
    arraySort(groupArrayIf(assumeNotNull(e.seconds_since_handoff),
      e.type = 'handoff_status' AND e.state = 'accepted' AND e.seconds_since_handoff IS NOT NULL)) AS to_person
  FROM events AS e INNER JOIN sessions AS s ON e.session = s.session
  GROUP BY s.scenario
), per_session AS (
  SELECT scenario,
    countIf(outcome = 'resolved') AS resolved,
    countIf(outcome = 'escalated') AS escalated,
    countIf(outcome = 'abandoned') AS abandoned,
    countIf(outcome = 'open') AS open,
    count() AS seen
  FROM sessions GROUP BY scenario
)
SELECT p.scenario AS scenario, started AS sessions, resolved, escalated, abandoned, open,
  floor(resolved * 1000 / seen + 0.5) / 1000 AS deflection_rate,
  feedback_helpful, feedback_unhelpful, reached_person,
  if(length(to_person) > 0, toNullable(to_person[intDiv(length(to_person), 2) + 1]), NULL) AS median_seconds_to_person,
  route_fallbacks
FROM per_session AS p INNER JOIN per_event AS q ON p.scenario = q.scenario;

-- Why people were needed: every escalation, per scenario and reason.
CREATE VIEW escalation_reasons AS
SELECT s.scenario AS scenario, ifNull(e.reason, '?') AS reason, count() AS n
FROM events AS e INNER JOIN sessions AS s ON e.session = s.session
WHERE e.type = 'escalated'
GROUP BY scenario, reason;

-- The funnel: per step, how many views, and how many sessions ended there without an outcome.
-- Every step a session ended on was viewed, so the views carry every step.
CREATE VIEW step_stats AS
SELECT v.scenario AS scenario, v.step AS step, v.viewed AS viewed, ifNull(d.dropped, 0) AS dropped
FROM (
  SELECT s.scenario AS scenario, concat(ifNull(e.flow, '?'), '/', assumeNotNull(e.step)) AS step, count() AS viewed
  FROM events AS e INNER JOIN sessions AS s ON e.session = s.session
  WHERE e.type = 'step_viewed' AND e.step IS NOT NULL
  GROUP BY scenario, step
) AS v
LEFT JOIN (
  SELECT scenario, last_step AS step, toNullable(count()) AS dropped
  FROM sessions WHERE outcome IN ('abandoned', 'open') AND viewed_any
  GROUP BY scenario, step
) AS d ON v.scenario = d.scenario AND v.step = d.step;

-- Per scenario and day (UTC): sessions started, resolved and escalated.
CREATE VIEW daily AS
SELECT s.scenario AS scenario, toDate(toDateTime(e.at, 'UTC')) AS day,
  countIf(e.type = 'started') AS started,
  countIf(e.type = 'resolved') AS resolved,
  countIf(e.type = 'escalated') AS escalated
FROM events AS e INNER JOIN sessions AS s ON e.session = s.session
GROUP BY scenario, day;
