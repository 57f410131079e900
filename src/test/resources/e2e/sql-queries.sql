-- Queries of SqlEndToEndTest, run with `bin/cluster sql -f` (batch mode, tables bounded at the
-- end offsets). Each result is checked against the test's model of the records it wrote; the
-- test reads the results in this order.

-- 1. Which services had the most dead letters in the last hour (the README's query).
SELECT COALESCE(JSON_VALUE(`raw`, '$.service'), '(no service)') AS service,
       COUNT(*) AS dead_letters
FROM dead_letters
WHERE rejected_at > CURRENT_TIMESTAMP - INTERVAL '1' HOUR
GROUP BY COALESCE(JSON_VALUE(`raw`, '$.service'), '(no service)')
ORDER BY dead_letters DESC, service;

-- 2. Dead letters per reason, all of them.
SELECT reason, COUNT(*) AS dead_letters
FROM dead_letters
GROUP BY reason
ORDER BY dead_letters DESC, reason;

-- 3. The three services with the highest error ratio over all their log windows.
SELECT `group`['service'] AS service,
       SUM(total) AS lines,
       ROUND(CAST(SUM(COALESCE(levels['ERROR'], 0) + COALESCE(levels['FATAL'], 0)) AS DOUBLE)
             / SUM(total), 4) AS error_ratio
FROM log_aggregates
GROUP BY `group`['service']
ORDER BY error_ratio DESC
LIMIT 3;

-- 4. Alerts firing now, per rule: the latest transition of each alert is 'firing'.
SELECT rule, COUNT(*) AS firing
FROM (
  SELECT rule, status,
         ROW_NUMBER() OVER (PARTITION BY fingerprint ORDER BY event_time DESC) AS n
  FROM alerts)
WHERE n = 1 AND status = 'firing'
GROUP BY rule
ORDER BY rule;

-- 5. The worst p99 per service and hour, with a window function on the event-time column. A
-- window function takes a table or view, whose window_start and window_end would clash with the
-- ones it adds: a view without them. (In batch mode a view cannot pass on the column's event-time
-- attribute, which the planner rejects with "failed to preserve datatypes": the CAST drops it.)
CREATE TEMPORARY VIEW metric_p99 AS
SELECT `group`['service'] AS service, p99, `count` AS points,
       CAST(window_end AS TIMESTAMP_LTZ(3)) AS t
FROM metric_aggregates;

SELECT window_start AS hour_start, service, MAX(p99) AS worst_p99, SUM(points) AS points
FROM TABLE(TUMBLE(TABLE metric_p99, DESCRIPTOR(t), INTERVAL '1' HOUR))
GROUP BY window_start, window_end, service
ORDER BY hour_start, service;

-- 6. Late events per pipeline and kind.
SELECT pipeline, kind, COUNT(*) AS events
FROM late_events
GROUP BY pipeline, kind
ORDER BY pipeline, kind;
