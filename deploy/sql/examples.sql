-- Example questions to Streamwatch's outputs, for Flink's SQL client with streamwatch.sql loaded:
--   bin/cluster sql -f deploy/sql/examples.sql     (all of them, each over what the topics hold)
-- or paste one into `bin/cluster sql`. docs/sql.md explains them.

-- Which services had the most dead letters in the last hour? (The service is read from the
-- rejected record itself, where it is JSON with a service field.)
SELECT COALESCE(JSON_VALUE(`raw`, '$.service'), '(no service)') AS service,
       COUNT(*) AS dead_letters,
       MAX(rejected_at) AS last_one
FROM dead_letters
WHERE rejected_at > CURRENT_TIMESTAMP - INTERVAL '1' HOUR
GROUP BY COALESCE(JSON_VALUE(`raw`, '$.service'), '(no service)')
ORDER BY dead_letters DESC
LIMIT 10;

-- Why were records rejected today, per pipeline and reason?
SELECT pipeline, reason, COUNT(*) AS dead_letters
FROM dead_letters
WHERE rejected_at > CURRENT_TIMESTAMP - INTERVAL '1' DAY
GROUP BY pipeline, reason
ORDER BY dead_letters DESC;

-- Which services had the highest error ratio in the last hour?
SELECT `group`['service'] AS service,
       SUM(total) AS lines,
       ROUND(CAST(SUM(COALESCE(levels['ERROR'], 0) + COALESCE(levels['FATAL'], 0)) AS DOUBLE)
             / SUM(total), 4) AS error_ratio
FROM log_aggregates
WHERE window_end > CURRENT_TIMESTAMP - INTERVAL '1' HOUR
GROUP BY `group`['service']
ORDER BY error_ratio DESC
LIMIT 5;

-- The most frequent error patterns of the last hour, over all services.
SELECT p.`pattern`, SUM(p.`count`) AS occurrences, COUNT(DISTINCT `group`['service']) AS services
FROM log_aggregates
CROSS JOIN UNNEST(top_patterns) AS p (pattern_id, `pattern`, `count`, example)
WHERE window_end > CURRENT_TIMESTAMP - INTERVAL '1' HOUR
GROUP BY p.`pattern`
ORDER BY occurrences DESC
LIMIT 5;

-- Which alerts are firing now? (An alert's latest transition decides.)
SELECT rule, labels['severity'] AS severity, annotations['summary'] AS summary, startsAt
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY fingerprint ORDER BY event_time DESC) AS n
  FROM alerts)
WHERE n = 1 AND status = 'firing'
ORDER BY startsAt;

-- The worst p99 of each metric and service in the last hour.
SELECT name, `group`['service'] AS service, ROUND(MAX(p99), 1) AS worst_p99,
       SUM(`count`) AS points
FROM metric_aggregates
WHERE window_end > CURRENT_TIMESTAMP - INTERVAL '1' HOUR
GROUP BY name, `group`['service']
ORDER BY worst_p99 DESC
LIMIT 10;

-- How many events came too late, per pipeline and kind?
SELECT pipeline, kind, COUNT(*) AS late_events, MAX(seen_at) AS last_seen
FROM late_events
GROUP BY pipeline, kind;
