# shellcheck shell=bash
# A standalone Flink 2.2 session cluster (one JobManager, one TaskManager) from Maven artifacts,
# configured by flink-conf/: flink-dist is not on Maven Central, so playground/flink/pom.xml lists
# the jars of its lib/ folder and Maven copies them. Sourced by bin/playground and bin/cluster,
# after common.sh.
#
# Expects: ROOT, LOGS, RUN, JAVA, MVN, MVN_FLAGS, DEP_PLUGIN, TOOL_TIMEOUT, and
#   FLINK_LIB      where the cluster's jars are cached (shared between runs)
#   FLINK_HOME     the cluster's work directory: conf/ (flink-conf/ with this machine's paths),
#                  log/, tmp/, web/, checkpoints/, savepoints/
#   WEB_UI_PORT    the REST port (web UI), 8081
#   JM_RPC_PORT, TM_RPC_PORT, JM_METRICS_PORT, TM_METRICS_PORT   6123, 6124, 9249, 9250
# Pid files: $RUN/jobmanager.pid, $RUN/taskmanager.pid.

# JVM flags Flink's own scripts pass (env.java.opts.all in flink-dist's config.yaml; only those
# scripts read that key, so they are passed here).
FLINK_JVM_OPENS=(
  --add-exports=java.base/sun.net.util=ALL-UNNAMED
  --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
)

FLINK_JM_CLASS=org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint
FLINK_TM_CLASS=org.apache.flink.runtime.taskexecutor.TaskManagerRunner
FLINK_CLI_CLASS=org.apache.flink.client.cli.CliFrontend

fetch_flink() {
  local stamp="$FLINK_LIB/.complete"
  if [[ -f $stamp && ! $ROOT/playground/flink/pom.xml -nt $stamp ]]; then
    return
  fi
  say "fetching Flink 2.2.1 jars with Maven into $(rel "$FLINK_LIB") (first run only, about 180 MB)"
  local t0 log="$LOGS/flink-fetch.log"
  t0=$(now_ms)
  rm -rf "$FLINK_LIB"
  mkdir -p "$FLINK_LIB"
  if ! "$MVN" "${MVN_FLAGS[@]}" -f "$ROOT/playground/flink/pom.xml" "$DEP_PLUGIN:copy-dependencies" \
    -DoutputDirectory="$FLINK_LIB" -DincludeScope=runtime 2>&1 | tee "$log" |
    sed -u -n 's#^Downloaded from [^ ]*: .*/\([^/ ]*\.jar\) .*#  downloaded \1#p' >&2; then
    show_log_tail "$log" 30
    die "could not fetch Flink from Maven (full output in $(rel "$log"))"
  fi
  touch "$stamp"
  say "Flink jars ready: $(find "$FLINK_LIB" -name '*.jar' | wc -l) jars in $(since "$t0")"
}

# set_flink_key <file> <key> <value>: replaces the line "key: ..." of a flat config.yaml; dies if
# the key is not there (flink-conf/config.yaml changed shape), so no setting is silently lost.
set_flink_key() {
  local file=$1 key=$2 value=$3
  grep -q "^$key: " "$file" || die "flink-conf/config.yaml has no line '$key: ...' to set"
  sed -i "s#^$key: .*#$key: $value#" "$file"
}

# Copies flink-conf/ into $FLINK_HOME/conf and points the per-environment keys at this machine:
# checkpoints, savepoints and temporary files under $FLINK_HOME, the REST, RPC and metrics ports.
configure_flink() {
  local conf="$FLINK_HOME/conf"
  rm -rf "$conf" "$FLINK_HOME/tmp" "$FLINK_HOME/web"
  mkdir -p "$conf" "$FLINK_HOME/log" "$FLINK_HOME/tmp" "$FLINK_HOME/web" \
    "$FLINK_HOME/checkpoints" "$FLINK_HOME/savepoints"
  cp "$ROOT"/flink-conf/config.yaml "$ROOT"/flink-conf/log4j*.properties "$conf/"
  set_flink_key "$conf/config.yaml" execution.checkpointing.dir "file://$FLINK_HOME/checkpoints"
  set_flink_key "$conf/config.yaml" execution.checkpointing.savepoint-dir "file://$FLINK_HOME/savepoints"
  set_flink_key "$conf/config.yaml" io.tmp.dirs "$FLINK_HOME/tmp"
  set_flink_key "$conf/config.yaml" web.tmpdir "$FLINK_HOME/web"
  set_flink_key "$conf/config.yaml" rest.port "$WEB_UI_PORT"
  set_flink_key "$conf/config.yaml" jobmanager.rpc.port "$JM_RPC_PORT"
  set_flink_key "$conf/config.yaml" taskmanager.rpc.port "$TM_RPC_PORT"
  set_flink_key "$conf/config.yaml" metrics.reporter.prom.port "$JM_METRICS_PORT-$TM_METRICS_PORT"
}

# flink_memory_params JM|TM <name>: sets FLINK_JVM (heap, metaspace, direct memory) and FLINK_DYN
# (-D key=value of the derived memory sizes) as Flink's bash scripts compute them.
flink_memory_params() {
  local kind=$1 name=$2 out log="$LOGS/$2-memory.log" lines=()
  : >"$log"
  if ! out=$(timeout "$TOOL_TIMEOUT" "$JAVA" -cp "$FLINK_LIB/*" \
    -Dlog.file="$log" -Dlog4j.configurationFile="file:$FLINK_HOME/conf/log4j.properties" \
    org.apache.flink.runtime.util.bash.BashJavaUtils "GET_${kind}_RESOURCE_PARAMS" \
    --configDir "$FLINK_HOME/conf" 2>>"$log"); then
    show_log_tail "$log"
    die "could not compute the $name's memory settings from flink-conf/config.yaml"
  fi
  mapfile -t lines < <(sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p' <<<"$out")
  ((${#lines[@]} == 2)) || die "unexpected BashJavaUtils output for the $name: $out"
  read -r -a FLINK_JVM <<<"${lines[0]}"
  read -r -a FLINK_DYN <<<"${lines[1]}"
}

# start_flink_process jobmanager|taskmanager: launches one cluster process in the background and
# sets FLINK_STARTED_PID. (Not run in $(...): STARTED must be updated in this shell, for the cleanup.)
start_flink_process() {
  local name=$1 class kind pid opts=()
  if [[ $name == jobmanager ]]; then class=$FLINK_JM_CLASS kind=JM; else class=$FLINK_TM_CLASS kind=TM; fi
  flink_memory_params "$kind" "$name"
  # env.java.opts.<process> of config.yaml, which Flink's own scripts would pass.
  read -r -a opts <<<"$(flink_conf_value "env.java.opts.$name")"
  nohup "$JAVA" "${FLINK_JVM_OPENS[@]}" "${FLINK_JVM[@]}" ${opts[@]+"${opts[@]}"} \
    -Djava.io.tmpdir="$FLINK_HOME/tmp" \
    -Dlog.file="$FLINK_HOME/log/$name.log" \
    -Dlog4j.configurationFile="file:$FLINK_HOME/conf/log4j.properties" \
    -cp "$FLINK_LIB/*" "$class" --configDir "$FLINK_HOME/conf" "${FLINK_DYN[@]}" \
    >"$FLINK_HOME/log/$name.out" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$RUN/$name.pid"
  STARTED+=("$name")
  FLINK_STARTED_PID=$pid
}

slots_available() { http_get "$WEB_UI_PORT" /overview | grep -q '"slots-available":[1-9]'; }

# Starts the JobManager, then the TaskManager once the JobManager holds the first Prometheus port
# (so the JobManager reports on 9249 and the TaskManager on 9250, or SW_FLINK_METRICS_PORT and the
# next), and waits until the cluster offers slots.
start_flink_cluster() {
  local p t0 jm tm
  for p in "$WEB_UI_PORT" "$JM_RPC_PORT" "$TM_RPC_PORT" "$JM_METRICS_PORT" "$TM_METRICS_PORT"; do
    port_in_use "$p" && die "port $p is in use by another program (is another Flink cluster running?)"
  done
  t0=$(now_ms)
  configure_flink
  start_flink_process jobmanager
  jm=$FLINK_STARTED_PID
  say "starting Flink JobManager (pid $jm); log: $(rel "$FLINK_HOME/log/jobmanager.log")"
  wait_until "${FLINK_TIMEOUT:-90}" "JobManager metrics port $JM_METRICS_PORT" "$jm" \
    "$FLINK_HOME/log/jobmanager.log" port_in_use "$JM_METRICS_PORT"
  start_flink_process taskmanager
  tm=$FLINK_STARTED_PID
  say "starting Flink TaskManager (pid $tm); log: $(rel "$FLINK_HOME/log/taskmanager.log")"
  wait_until "${FLINK_TIMEOUT:-90}" "JobManager REST API on port $WEB_UI_PORT" "$jm" \
    "$FLINK_HOME/log/jobmanager.log" http_get "$WEB_UI_PORT" /overview
  wait_until "${FLINK_TIMEOUT:-90}" "TaskManager slots" "$tm" \
    "$FLINK_HOME/log/taskmanager.log" slots_available
  say "Flink cluster ready in $(since "$t0"): web UI http://localhost:$WEB_UI_PORT"
}

# Runs Flink's own CLI (CliFrontend) against the cluster with the cluster's conf/.
flink_cli() {
  FLINK_CONF_DIR="$FLINK_HOME/conf" timeout "$TOOL_TIMEOUT" "$JAVA" "${FLINK_JVM_OPENS[@]}" \
    -Dlog.file="$FLINK_HOME/log/client.log" \
    -Dlog4j.configurationFile="file:$FLINK_HOME/conf/log4j.properties" \
    -cp "$FLINK_LIB/*" "$FLINK_CLI_CLASS" "$@"
}

job_running() { http_get "$WEB_UI_PORT" "/jobs/$1" | grep -q '"state":"RUNNING"'; }

# submit_job <jar> <job args...>: `flink run -d`, then waits until the job runs. Prints the job id.
submit_job() {
  local jar=$1 t0 log="$FLINK_HOME/log/submit.out" id
  shift
  t0=$(now_ms)
  if ! flink_cli run -m "127.0.0.1:$WEB_UI_PORT" -d "$jar" "$@" >"$log" 2>&1 </dev/null; then
    show_log_tail "$log" 40
    die "flink run failed (exit 124 = no answer within ${TOOL_TIMEOUT}s; log: $(rel "$log"))"
  fi
  id=$(grep -o 'JobID [0-9a-f]\{32\}' "$log" | head -n 1 | cut -d' ' -f2)
  [[ -n $id ]] || {
    show_log_tail "$log"
    die "flink run printed no job id"
  }
  wait_until "${FLINK_TIMEOUT:-90}" "job $id to run" - "$FLINK_HOME/log/jobmanager.log" job_running "$id"
  say "job $id submitted with the Flink CLI and running after $(since "$t0")"
  echo "$id"
}

stop_flink_cluster() {
  stop_component taskmanager
  stop_component jobmanager
}

# --- Flink SQL (bin/cluster sql) -------------------------------------------------------------
# Flink's SQL client in embedded mode, against this cluster, with the output topics as tables
# (deploy/sql/streamwatch.sql). Its jars and the Kafka SQL connector come from
# playground/flink-sql/pom.xml into FLINK_SQL_LIB; the cluster's lib/ has the planner and runtime.

FLINK_SQL_CLIENT_CLASS=org.apache.flink.table.client.SqlClient
FLINK_SQL_TABLES="$ROOT/deploy/sql/streamwatch.sql"

fetch_flink_sql() {
  local stamp="$FLINK_SQL_LIB/.complete"
  if [[ -f $stamp && ! $ROOT/playground/flink-sql/pom.xml -nt $stamp ]]; then
    return
  fi
  say "fetching Flink's SQL client and the Kafka SQL connector with Maven into $(rel "$FLINK_SQL_LIB") (first run only, about 55 MB)"
  local t0 log="$LOGS/flink-sql-fetch.log"
  t0=$(now_ms)
  mkdir -p "$LOGS"
  rm -rf "$FLINK_SQL_LIB"
  mkdir -p "$FLINK_SQL_LIB"
  if ! "$MVN" "${MVN_FLAGS[@]}" -f "$ROOT/playground/flink-sql/pom.xml" "$DEP_PLUGIN:copy-dependencies" \
    -DoutputDirectory="$FLINK_SQL_LIB" -DincludeScope=runtime 2>&1 | tee "$log" |
    sed -u -n 's#^Downloaded from [^ ]*: .*/\([^/ ]*\.jar\) .*#  downloaded \1#p' >&2; then
    show_log_tail "$log" 30
    die "could not fetch Flink's SQL client from Maven (full output in $(rel "$log"))"
  fi
  touch "$stamp"
  say "Flink SQL jars ready in $(since "$t0")"
}

# sql_jar <artifact prefix>: the one jar of FLINK_SQL_LIB whose name starts so; dies if missing.
sql_jar() {
  local jar
  jar=$(find "$FLINK_SQL_LIB" -maxdepth 1 -name "$1-[0-9]*.jar" | head -n 1)
  [[ -n $jar ]] || die "$1 is missing in $(rel "$FLINK_SQL_LIB"); delete the folder to fetch it again"
  echo "$jar"
}

# write_sql_init <file> snapshot|streaming: the SQL client's init file, deploy/sql/streamwatch.sql
# with this broker's address; for "snapshot" also batch mode and every table bounded at the end
# offsets a query finds when it starts, so that each query answers and ends.
write_sql_init() {
  local file=$1 mode=$2
  grep -q "'properties.bootstrap.servers' = 'localhost:9092'" "$FLINK_SQL_TABLES" ||
    die "$(rel "$FLINK_SQL_TABLES") has no 'properties.bootstrap.servers' = 'localhost:9092' to point at $BOOTSTRAP"
  {
    echo "-- Written by bin/cluster sql: $(rel "$FLINK_SQL_TABLES") for the broker at $BOOTSTRAP ($mode)."
    sed "s#'properties.bootstrap.servers' = 'localhost:9092'#'properties.bootstrap.servers' = '$BOOTSTRAP'#" \
      "$FLINK_SQL_TABLES"
    if [[ $mode == snapshot ]]; then
      echo
      echo "-- Snapshot mode: batch queries over what the topics hold when each query starts."
      echo "SET 'execution.runtime-mode' = 'batch';"
      sed -n 's/^CREATE TABLE \([a-z_]*\).*/\1/p' "$FLINK_SQL_TABLES" | while read -r table; do
        echo "ALTER TABLE $table SET ('scan.bounded.mode' = 'latest-offset');"
      done
    fi
  } >"$file"
}

# run_sql_client snapshot|streaming interactive|file [SQL client options...]: the SQL client in
# this terminal. For "file" (the client runs -f FILE) it fails if a statement failed: the client
# stops at the first failing statement, or at a failing init file, but exits 0 all the same.
run_sql_client() {
  local mode=$1 run=$2 init="$FLINK_HOME/sql/init-$1.sql" out="$FLINK_HOME/sql/last-file-run.out"
  local status
  shift 2
  mkdir -p "$FLINK_HOME/sql/tmp"
  write_sql_init "$init" "$mode"
  if [[ $run == interactive ]]; then
    sql_client_java "$init" "$@"
    return
  fi
  # Without a terminal: JLine's plain one, without its warning that there is none.
  set +e
  sql_client_java "$init" -Dorg.jline.terminal.dumb=true "$@" | tee "$out"
  status=${PIPESTATUS[0]}
  set -e
  ((status == 0)) || return "$status"
  # The client's messages, which may follow a statement's echo on its line; not in result rows.
  if grep -v '^|' "$out" |
    grep -q -e '\[ERROR\] Could not execute SQL statement' -e '^Failed to initialize from sql script'; then
    say "a statement failed (see above; the client's log: $(rel "$FLINK_HOME/log/sql-client.log"))"
    return 1
  fi
}

# The SQL client's classpath: the cluster's lib/ (planner, runtime, JSON format), the client and
# the gateway it embeds, and flink-python last (it only answers the client's option parser).
sql_client_classpath() {
  echo "$FLINK_LIB/*:$(sql_jar flink-sql-client):$(sql_jar flink-sql-gateway):$(sql_jar flink-python)"
}

# sql_client_java <init file> [-Dproperty=value...] [SQL client options...]: the client on this
# cluster (the REST address is in its conf/), its log in a file so the terminal shows only the
# client, and the Kafka SQL connector shipped with every job it submits (--jar).
sql_client_java() {
  local init=$1 classpath connector jvm=()
  shift
  while [[ ${1:-} == -D* ]]; do
    jvm+=("$1")
    shift
  done
  classpath=$(sql_client_classpath)
  connector=$(sql_jar flink-sql-connector-kafka)
  FLINK_CONF_DIR="$FLINK_HOME/conf" "$JAVA" -Xmx1g "${FLINK_JVM_OPENS[@]}" ${jvm[@]+"${jvm[@]}"} \
    -Djava.io.tmpdir="$FLINK_HOME/sql/tmp" -Dlog.file="$FLINK_HOME/log/sql-client.log" \
    -Dlog4j.configurationFile="file:$FLINK_HOME/conf/log4j.properties" \
    -cp "$classpath" "$FLINK_SQL_CLIENT_CLASS" embedded --init "$init" --jar "$connector" "$@"
}

# The SQL client's own --help (its embedded mode's options).
sql_client_help() {
  mkdir -p "$LOGS"
  "$JAVA" -Dlog.file="$LOGS/sql-client-help.log" \
    -Dlog4j.configurationFile="file:$ROOT/flink-conf/log4j.properties" \
    -cp "$(sql_client_classpath)" "$FLINK_SQL_CLIENT_CLASS" embedded --help
}
