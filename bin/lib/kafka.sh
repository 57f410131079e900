# shellcheck shell=bash
# A single-node Kafka 4.2 broker (KRaft, broker and controller in one JVM) from Maven artifacts:
# no Kafka download, no Docker. Sourced by bin/playground and bin/cluster, after common.sh.
#
# Expects: ROOT, LOGS, RUN, JAVA, MVN, MVN_FLAGS, DEP_PLUGIN, TOOL_TIMEOUT, and
#   KAFKA_LIB      where the broker's jars are cached (shared between runs)
#   KAFKA_HOME     the broker's work directory (server.properties, data/)
#   KAFKA_PORT, CONTROLLER_PORT, BOOTSTRAP
#   BROKER_JVM     the broker's heap and metaspace bounds
#   TOPICS         name:partitions[:config=value,...] ...
# The broker's pid file is $RUN/broker.pid; its main class is kafka.Kafka.

# Short-lived tool JVMs start faster without the optimizing compiler.
QUICK_JVM=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC)

# A class-data archive of the Kafka tools, written by the first TopicCommand: with it a tool JVM
# needs about a third of the CPU to start, which matters when nine of them start at once.
kafka_tools_cds() { echo "$KAFKA_LIB/../tools.jsa"; }

fetch_kafka() {
  local stamp="$KAFKA_LIB/.complete"
  if [[ -f $stamp && ! $ROOT/playground/kafka/pom.xml -nt $stamp ]]; then
    return
  fi
  say "fetching Kafka 4.2.0 jars with Maven into $(rel "$KAFKA_LIB") (first run only, about 45 MB)"
  local t0 log="$LOGS/kafka-fetch.log"
  t0=$(now_ms)
  rm -rf "$KAFKA_LIB"
  mkdir -p "$KAFKA_LIB"
  # Show each downloaded jar as progress; the full output goes to the log.
  if ! "$MVN" "${MVN_FLAGS[@]}" -f "$ROOT/playground/kafka/pom.xml" "$DEP_PLUGIN:copy-dependencies" \
    -DoutputDirectory="$KAFKA_LIB" -DincludeScope=runtime 2>&1 | tee "$log" |
    sed -u -n 's#^Downloaded from [^ ]*: .*/\([^/ ]*\.jar\) .*#  downloaded \1#p' >&2; then
    show_log_tail "$log" 30
    die "could not fetch Kafka from Maven (full output in $(rel "$log"))"
  fi
  touch "$stamp"
  say "Kafka jars ready: $(find "$KAFKA_LIB" -name '*.jar' | wc -l) jars in $(since "$t0")"
}

# A Kafka cluster id: 16 random bytes, base64url without padding, not starting with '-' (which
# would read as an option). Saves a JVM start over StorageTool random-uuid.
random_cluster_id() {
  local id
  while :; do
    id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
    [[ $id != -* ]] && break
  done
  echo "$id"
}

# Runs a Kafka command-line class from the fetched jars, bounded by TOOL_TIMEOUT.
kafka_tool() {
  local cds=() archive
  archive=$(kafka_tools_cds)
  if [[ -f $archive && $archive -nt $KAFKA_LIB/.complete ]]; then
    cds=(-XX:SharedArchiveFile="$archive")
  fi
  timeout "$TOOL_TIMEOUT" "$JAVA" "${QUICK_JVM[@]}" "${cds[@]}" -cp "$KAFKA_LIB/*" \
    -Dlog4j2.configurationFile="$ROOT/playground/kafka/log4j2.yaml" "$@"
}

# configure_and_format_kafka yes|no: writes server.properties; formats the storage unless "yes"
# (keep data) and there is data from a previous run.
configure_and_format_kafka() {
  local keep_data=$1
  mkdir -p "$KAFKA_HOME"
  cat >"$KAFKA_HOME/server.properties" <<PROPS
# Written by bin/lib/kafka.sh: a single KRaft node (broker and controller in one JVM).
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$KAFKA_HOME/data/kraft-logs
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
  if [[ $keep_data == yes && -f $KAFKA_HOME/data/kraft-logs/meta.properties ]]; then
    say "keeping the broker's data from the previous run"
    return
  fi
  rm -rf "$KAFKA_HOME/data"
  local log="$LOGS/kafka-format.log"
  if ! kafka_tool kafka.tools.StorageTool format --standalone -t "$(random_cluster_id)" \
    -c "$KAFKA_HOME/server.properties" >"$log" 2>&1; then
    show_log_tail "$log"
    die "formatting the broker's storage failed"
  fi
}

broker_started() { grep -q 'Kafka Server started' "$1"; }

start_broker() {
  local p
  for p in "$KAFKA_PORT" "$CONTROLLER_PORT"; do
    port_in_use "$p" && die "port $p is in use by another program (set SW_KAFKA_PORT to move the broker)"
  done
  local t0 log="$LOGS/kafka.out" pid
  t0=$(now_ms)
  # Emptied here, not only by the redirection below: that runs in the background job, and the
  # wait could otherwise find the previous start's "Kafka Server started" (a restart on kept data).
  : >"$log"
  nohup "$JAVA" "${BROKER_JVM[@]}" -Dlog4j2.configurationFile="$ROOT/playground/kafka/log4j2.yaml" \
    -cp "$KAFKA_LIB/*" kafka.Kafka "$KAFKA_HOME/server.properties" >"$log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$RUN/broker.pid"
  STARTED+=(broker)
  say "starting Kafka broker (pid $pid) on $BOOTSTRAP"
  wait_until "${BROKER_TIMEOUT:-90}" "Kafka broker start" "$pid" "$log" broker_started "$log"
  say "broker ready in $(since "$t0")"
}

# TopicCommand --if-not-exists for each topic. Each is a JVM start; they run in parallel, after a
# first one that writes the class-data archive if there is none yet.
create_topics() {
  local t0 spec name partitions configs config pids=() names=() failed=() i archive
  t0=$(now_ms)
  archive=$(kafka_tools_cds)
  for spec in "${TOPICS[@]}"; do
    IFS=: read -r name partitions configs <<<"$spec"
    local args=(--bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic "$name"
      --partitions "$partitions" --replication-factor 1)
    IFS=, read -r -a configs <<<"$configs"
    for config in ${configs[@]+"${configs[@]}"}; do
      args+=(--config "$config")
    done
    if [[ ! -f $archive || $KAFKA_LIB/.complete -nt $archive ]]; then
      rm -f "$archive"
      kafka_tool -XX:ArchiveClassesAtExit="$archive" org.apache.kafka.tools.TopicCommand \
        "${args[@]}" >"$LOGS/topic-$name.log" 2>&1 </dev/null || failed+=("$name")
      continue
    fi
    kafka_tool org.apache.kafka.tools.TopicCommand "${args[@]}" \
      >"$LOGS/topic-$name.log" 2>&1 </dev/null &
    pids+=($!)
    names+=("$name")
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || failed+=("${names[$i]}")
  done
  if ((${#failed[@]})); then
    show_log_tail "$LOGS/topic-${failed[0]}.log"
    die "could not create topics: ${failed[*]} (exit 124 = no answer within ${TOOL_TIMEOUT}s)"
  fi
  say "${#TOPICS[@]} topics ready in $(since "$t0")"
}

# End offsets per topic (read_uncommitted, summed over partitions), one "topic offset" a line.
topic_end_offsets() {
  # Lines are topic:partition:offset; anything else (JVM warnings) is skipped.
  kafka_tool org.apache.kafka.tools.GetOffsetShell --bootstrap-server "$BOOTSTRAP" \
    --exclude-internal-topics 2>/dev/null |
    awk -F: '/^[^[][^:]*:[0-9]+:[0-9]+$/ {sum[$1] += $3}
      END {for (t in sum) printf "%s %d\n", t, sum[t]}' | sort
}

stop_broker() { stop_component broker; }
