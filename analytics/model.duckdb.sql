-- The analytics model over inscene events, DuckDB dialect. The runner (analytics/run.py) first
-- creates `raw_events` from JSON lines or Parquet with the columns below; everything else is views.
-- The same model in the ClickHouse dialect: analytics/model.clickhouse.sql.

-- Each event once: a host that retries sends an event twice, with the same session and seq.
CREATE OR REPLACE VIEW events AS
SELECT * FROM raw_events
WHERE session IS NOT NULL
QUALIFY seq IS NULL OR row_number() OVER (PARTITION BY session, seq ORDER BY "at") = 1;

-- One row per session: its scenario and how it ended (a person over a solution over leaving,
-- whatever order the events arrive in), and the step it was on last.
CREATE OR REPLACE VIEW sessions AS
SELECT
  session,
  coalesce(arg_min(scenario, coalesce(seq, 0)) FILTER (WHERE scenario IS NOT NULL), '(no scenario)') AS scenario,
  CASE max(CASE type WHEN 'escalated' THEN 3 WHEN 'resolved' THEN 2 WHEN 'abandoned' THEN 1 ELSE 0 END)
    WHEN 3 THEN 'escalated' WHEN 2 THEN 'resolved' WHEN 1 THEN 'abandoned' ELSE 'open' END AS outcome,
  arg_max(CASE WHEN type = 'step_viewed' AND step IS NOT NULL THEN coalesce(flow, '?') || '/' || step END,
          CASE WHEN type = 'step_viewed' AND step IS NOT NULL THEN seq END) AS last_step
FROM events
GROUP BY session;

-- Per scenario: sessions started, outcomes, deflection (resolved without a person, over every
-- session seen), a person reached, route fallbacks, feedback.
CREATE OR REPLACE VIEW scenario_stats AS
WITH per_event AS (
  SELECT s.scenario,
    count(*) FILTER (WHERE e.type = 'started') AS started,
    count(*) FILTER (WHERE e.type = 'feedback' AND e.helpful) AS feedback_helpful,
    count(*) FILTER (WHERE e.type = 'feedback' AND NOT e.helpful) AS feedback_unhelpful,
    count(*) FILTER (WHERE e.type = 'handoff_status' AND e.state = 'accepted') AS reached_person,
    count(*) FILTER (WHERE (e.type = 'escalated' AND e.fallback) OR (e.type = 'handoff_status' AND e.state = 'failed')) AS route_fallbacks,
    list_sort(list(e.seconds_since_handoff) FILTER (WHERE e.type = 'handoff_status' AND e.state = 'accepted' AND e.seconds_since_handoff IS NOT NULL)) AS to_person
  FROM events e JOIN sessions s USING (session)
  GROUP BY s.scenario
), per_session AS (
  SELECT scenario,
    count(*) FILTER (WHERE outcome = 'resolved') AS resolved,
    count(*) FILTER (WHERE outcome = 'escalated') AS escalated,
    count(*) FILTER (WHERE outcome = 'abandoned') AS abandoned,
    count(*) FILTER (WHERE outcome = 'open') AS open,
    count(*) AS seen
  FROM sessions GROUP BY scenario
)
SELECT scenario, started AS sessions, resolved, escalated, abandoned, open,
  round(resolved / seen, 3) AS deflection_rate,
  feedback_helpful, feedback_unhelpful, reached_person,
  CASE WHEN len(to_person) > 0 THEN to_person[len(to_person) // 2 + 1] END AS median_seconds_to_person,
  route_fallbacks
FROM per_session JOIN per_event USING (scenario);

-- Why people were needed: every escalation, per scenario and reason.
CREATE OR REPLACE VIEW escalation_reasons AS
SELECT s.scenario, coalesce(e.reason, '?') AS reason, count(*) AS n
FROM events e JOIN sessions s USING (session)
WHERE e.type = 'escalated'
GROUP BY ALL;

-- The funnel: per step, how many views, and how many sessions ended there without an outcome.
CREATE OR REPLACE VIEW step_stats AS
WITH viewed AS (
  SELECT s.scenario, coalesce(e.flow, '?') || '/' || e.step AS step, count(*) AS viewed
  FROM events e JOIN sessions s USING (session)
  WHERE e.type = 'step_viewed' AND e.step IS NOT NULL
  GROUP BY ALL
), dropped AS (
  SELECT scenario, last_step AS step, count(*) AS dropped
  FROM sessions WHERE outcome IN ('abandoned', 'open') AND last_step IS NOT NULL
  GROUP BY ALL
)
SELECT scenario, step, coalesce(viewed, 0) AS viewed, coalesce(dropped, 0) AS dropped
FROM viewed FULL JOIN dropped USING (scenario, step);

-- Per scenario and day (UTC): sessions started, resolved and escalated.
CREATE OR REPLACE VIEW daily AS
SELECT s.scenario, CAST(to_timestamp(e."at") AS DATE) AS day,
  count(*) FILTER (WHERE e.type = 'started') AS started,
  count(*) FILTER (WHERE e.type = 'resolved') AS resolved,
  count(*) FILTER (WHERE e.type = 'escalated') AS escalated
FROM events e JOIN sessions s USING (session)
GROUP BY ALL;
