# shellcheck shell=bash
# shellcheck disable=SC2034  # the variables are used by the scripts that source this file
# Settings shared by bin/playground and bin/cluster: where things live, ports, deadlines. Sourced,
# never run. Expects ROOT (the repository).
#
# Environment: SW_WORK (work directory: data, logs, pid files; default .playground),
# SW_KAFKA_PORT (19092; the controller uses the next port), SW_WEB_UI_PORT (8081),
# SW_FLINK_RPC_PORT (6123, the JobManager's; the TaskManager uses the next port),
# SW_FLINK_METRICS_PORT (9249, the JobManager's Prometheus port; the TaskManager uses the next),
# SW_PROMETHEUS_PORT (9090), SW_ALERTMANAGER_PORT (9093), SW_WEBHOOK_PORT (9097, the playground's
# Alertmanager receiver), JAVA, MVN. The port variables let a second cluster (e.g. a test run)
# live beside the default one.

WORK=${SW_WORK:-$ROOT/.playground}
case $WORK in /*) ;; *) WORK="$ROOT/$WORK" ;; esac
LOGS="$WORK/logs"
RUN="$WORK/run"
KAFKA_HOME="$WORK/kafka"
FLINK_HOME="$WORK/flink"
# Jars fetched from Maven are cached in the repository's .playground/, whatever SW_WORK is.
KAFKA_LIB="$ROOT/.playground/kafka/lib"
FLINK_LIB="$ROOT/.playground/flink/lib"
# The SQL client's jars and the Kafka SQL connector (bin/cluster sql), beside the cluster's lib/.
FLINK_SQL_LIB="$ROOT/.playground/flink/sql-lib"

KAFKA_PORT=${SW_KAFKA_PORT:-19092}
CONTROLLER_PORT=$((KAFKA_PORT + 1))
WEB_UI_PORT=${SW_WEB_UI_PORT:-8081}
JM_RPC_PORT=${SW_FLINK_RPC_PORT:-6123}
TM_RPC_PORT=$((JM_RPC_PORT + 1))
JM_METRICS_PORT=${SW_FLINK_METRICS_PORT:-9249}
TM_METRICS_PORT=$((JM_METRICS_PORT + 1))
PROMETHEUS_PORT=${SW_PROMETHEUS_PORT:-9090}
ALERTMANAGER_PORT=${SW_ALERTMANAGER_PORT:-9093}
WEBHOOK_PORT=${SW_WEBHOOK_PORT:-9097}
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"

# Memory bounds of the helper JVMs (generator, tail, Alertmanager bridge, webhook printer): at the
# playground's rates each used under 20 MB of heap and 30 MB of metaspace (jcmd), and C1 alone
# keeps up, so the bounds hold with room to spare, where the JVM's defaults (a quarter of the
# machine's memory for heap, the C2 compiler and its code) let each grow to 150-200 MB. A tool
# that runs into a bound fails with OutOfMemoryError in its log instead of growing.
TOOL_JVM=(-Xmx64m -Xss512k -XX:MaxMetaspaceSize=64m -XX:ReservedCodeCacheSize=32m
  -XX:TieredStopAtLevel=1 -XX:+UseSerialGC)
# The broker: 512 MB of heap is ample for one node at test rates (record data lives in the page
# cache, not the heap); Kafka's own scripts default to 1 GB for any broker.
BROKER_JVM=(-Xmx512m -XX:MaxMetaspaceSize=128m)
JAVA=${JAVA:-java}
MVN=${MVN:-mvn}
MVN_FLAGS=(-B)
# Pinned, so the same plugin runs everywhere (an unpinned prefix resolves to whatever is newest).
DEP_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

# Every wait has a deadline (seconds).
BROKER_TIMEOUT=90
FLINK_TIMEOUT=90
TOOL_TIMEOUT=60
JOB_UI_TIMEOUT=120
STOP_TIMEOUT=20

# name:partitions[:config=value,...]. The input topics take records up to 2 MiB (+ 1 KiB for the
# batch's overhead), above the job's limits.max_record_size (1 MiB by default): a larger record
# still reaches the job and goes to the dead-letter topic as "oversized", where the broker's
# default (1 MiB + 12 bytes) would refuse it at produce time. See docs/operations.md ("Topics"). The alerts
# topic is compacted (its records are keyed by fingerprint): the Alertmanager bridge rebuilds the
# firing alerts from it at start, however old they are (docs/monitoring.md, "Alertmanager").
INPUT_MAX_MESSAGE_BYTES=2098176
TOPICS=("logs:2:max.message.bytes=$INPUT_MAX_MESSAGE_BYTES"
  "metrics:2:max.message.bytes=$INPUT_MAX_MESSAGE_BYTES"
  streamwatch.log-aggregates:1 streamwatch.metric-aggregates:1
  streamwatch.dead-letter:1 streamwatch.late-events:1 streamwatch.alerts:1:cleanup.policy=compact
  streamwatch.rule-status:1 streamwatch.rules:1:cleanup.policy=compact)

# Component name -> main class; the class also identifies the process behind a pid file.
declare -A MAIN_CLASS=(
  [broker]=kafka.Kafka
  [jobmanager]=org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint
  [taskmanager]=org.apache.flink.runtime.taskexecutor.TaskManagerRunner
  [generator]=io.streamwatch.tools.SampleGenerator
  [job]=io.streamwatch.Streamwatch
  [tail]=io.streamwatch.tools.AggregateTail
  [bridge]=io.streamwatch.Streamwatch
  [webhook]=io.streamwatch.tools.WebhookPrinter
  # Binaries: their storage folder in this work directory tells them apart.
  [prometheus]="--storage.tsdb.path=$WORK/prometheus/data"
  [alertmanager]="--storage.path=$WORK/alertmanager/data"
)
# "job" is the --local MiniCluster JVM; on the cluster the job lives in the TaskManager.
STOP_ORDER=(tail bridge generator job prometheus alertmanager webhook taskmanager jobmanager broker)

# The job jar the build makes (shaded; not the original-*.jar).
job_jar() {
  find "$ROOT/target" -maxdepth 1 -name 'streamwatch-*.jar' ! -name 'original-*' 2>/dev/null |
    head -n 1
}
