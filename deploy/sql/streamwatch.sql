-- Streamwatch's outputs as Flink SQL tables: an init file for Flink's SQL client
-- (sql-client.sh -i streamwatch.sql, or `bin/cluster sql`, which loads it for you).
--
-- One table per output topic, read with the Kafka SQL connector (flink-sql-connector-kafka) and
-- the JSON format (flink-json); columns are the record fields of the README's "Outputs" section,
-- with the same names. Topics and broker are the defaults of jobs-config/streamwatch.yaml:
-- change them here if your job's differ (`bin/cluster sql` points the broker at its own).
-- docs/sql.md explains the choices and has example queries (deploy/sql/examples.sql).
--
-- Every table reads the topic from the earliest offset and, like every consumer of the job's
-- exactly-once output, with isolation.level read_committed: a record of a transaction that is
-- still open or was aborted is never counted. They are unbounded (a streaming query follows the
-- topic); `bin/cluster sql` bounds them at the end offsets a query finds, in batch mode, unless
-- it is given --streaming.
--
-- Each table has an event-time column with a watermark, for window functions (TUMBLE, HOP) and
-- interval joins in streaming queries. A record whose JSON does not have the table's shape fails
-- the query with its offset rather than being skipped ('json.ignore-parse-errors' = 'false'):
-- only the job writes these topics, and a silently skipped record would make counts wrong.

-- Times are UTC in the records; show them so.
SET 'table.local-time-zone' = 'UTC';
-- Results printed as text tables, for a terminal and for files run with -f, with room for
-- patterns and summaries.
SET 'sql-client.execution.result-mode' = 'tableau';
SET 'table.display.max-column-width' = '50';

-- Log aggregates (a logs pipeline's output_topic), one per group and window. Parallel window
-- subtasks close a window at slightly different moments, so the watermark allows one window
-- (1 minute by default) of disorder. Late updates within allowed_lateness come later still and
-- replace the earlier record of their window (same Kafka key): count each window once.
CREATE TABLE log_aggregates (
  `type` STRING,
  pipeline STRING,
  `group` MAP<STRING, STRING>,
  window_start TIMESTAMP_LTZ(3),
  window_end TIMESTAMP_LTZ(3),
  total BIGINT,
  levels MAP<STRING, BIGINT>,
  error_ratio DOUBLE,
  top_patterns ARRAY<ROW<pattern_id STRING, `pattern` STRING, `count` BIGINT, example STRING>>,
  WATERMARK FOR window_end AS window_end - INTERVAL '1' MINUTE
) WITH (
  'connector' = 'kafka',
  'topic' = 'streamwatch.log-aggregates',
  'properties.bootstrap.servers' = 'localhost:9092',
  'properties.isolation.level' = 'read_committed',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json',
  'json.ignore-parse-errors' = 'false',
  'json.timestamp-format.standard' = 'ISO-8601'
);

-- Metric aggregates (a metrics pipeline's output_topic), one per metric name, group and window.
CREATE TABLE metric_aggregates (
  `type` STRING,
  pipeline STRING,
  name STRING,
  `group` MAP<STRING, STRING>,
  window_start TIMESTAMP_LTZ(3),
  window_end TIMESTAMP_LTZ(3),
  `count` BIGINT,
  `sum` DOUBLE,
  `min` DOUBLE,
  `max` DOUBLE,
  mean DOUBLE,
  p50 DOUBLE,
  p90 DOUBLE,
  p95 DOUBLE,
  p99 DOUBLE,
  WATERMARK FOR window_end AS window_end - INTERVAL '1' MINUTE
) WITH (
  'connector' = 'kafka',
  'topic' = 'streamwatch.metric-aggregates',
  'properties.bootstrap.servers' = 'localhost:9092',
  'properties.isolation.level' = 'read_committed',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json',
  'json.ignore-parse-errors' = 'false',
  'json.timestamp-format.standard' = 'ISO-8601'
);

-- Alert transitions (alerts.topic): one record each time an alert fires or resolves. A
-- transition happens at startsAt when it fires and at endsAt when it resolves (a resolve repeats
-- the alert's startsAt), so event_time is the one of the two that the transition made. The
-- topic is compacted by fingerprint: old transitions of an alert may be gone, its latest one
-- stays. The alert is firing now if its latest transition is 'firing' (docs/sql.md).
CREATE TABLE alerts (
  fingerprint STRING,
  status STRING,
  labels MAP<STRING, STRING>,
  annotations MAP<STRING, STRING>,
  startsAt TIMESTAMP_LTZ(3),
  endsAt TIMESTAMP_LTZ(3),
  `value` DOUBLE,
  threshold DOUBLE,
  window_start TIMESTAMP_LTZ(3),
  window_end TIMESTAMP_LTZ(3),
  rule STRING,
  pipeline STRING,
  resolved_value DOUBLE,
  resolved_at TIMESTAMP_LTZ(3),
  reason STRING,
  event_time AS COALESCE(endsAt, startsAt),
  WATERMARK FOR event_time AS event_time - INTERVAL '1' MINUTE
) WITH (
  'connector' = 'kafka',
  'topic' = 'streamwatch.alerts',
  'properties.bootstrap.servers' = 'localhost:9092',
  'properties.isolation.level' = 'read_committed',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json',
  'json.ignore-parse-errors' = 'false',
  'json.timestamp-format.standard' = 'ISO-8601'
);

-- Dead letters (dead_letter_topic): input records the job could not use, with the reason.
-- rejected_at is when the job rejected the record (wall clock, nearly in order).
-- JSON_VALUE(`raw`, '$.service') reads a field of the rejected record where it is JSON.
CREATE TABLE dead_letters (
  source_topic STRING,
  `partition` INT,
  `offset` BIGINT,
  reason STRING,
  detail STRING,
  `raw` STRING,
  raw_encoding STRING,
  raw_size BIGINT,
  raw_truncated BOOLEAN,
  pipeline STRING,
  rejected_at TIMESTAMP_LTZ(3),
  WATERMARK FOR rejected_at AS rejected_at - INTERVAL '5' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 'streamwatch.dead-letter',
  'properties.bootstrap.servers' = 'localhost:9092',
  'properties.isolation.level' = 'read_committed',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json',
  'json.ignore-parse-errors' = 'false',
  'json.timestamp-format.standard' = 'ISO-8601'
);

-- Late events (late_events_topic): events that arrived after their window closed. Their
-- event_time is out of order by nature, so the watermark is on seen_at, when the job wrote them.
-- kind is 'log' (level, message) or 'metric' (name, value; values and count where a combined
-- record stands for several events).
CREATE TABLE late_events (
  pipeline STRING,
  source_topic STRING,
  `partition` INT,
  `offset` BIGINT,
  event_time TIMESTAMP_LTZ(3),
  kind STRING,
  `group` MAP<STRING, STRING>,
  `level` STRING,
  message STRING,
  message_truncated BOOLEAN,
  name STRING,
  `value` DOUBLE,
  `values` ARRAY<DOUBLE>,
  `count` BIGINT,
  `raw` STRING,
  raw_size BIGINT,
  raw_truncated BOOLEAN,
  seen_at TIMESTAMP_LTZ(3),
  WATERMARK FOR seen_at AS seen_at - INTERVAL '5' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 'streamwatch.late-events',
  'properties.bootstrap.servers' = 'localhost:9092',
  'properties.isolation.level' = 'read_committed',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json',
  'json.ignore-parse-errors' = 'false',
  'json.timestamp-format.standard' = 'ISO-8601'
);
