# shellcheck shell=bash
# Prometheus and Alertmanager beside a local cluster, from Debian's packages (apt-get install
# prometheus prometheus-alertmanager), run as processes on loopback: Prometheus scrapes the
# JobManager's and TaskManager's reporters and evaluates deploy/prometheus/rules/; Alertmanager
# (deploy/alertmanager/alertmanager.yml) notifies a webhook that prints each notification
# (io.streamwatch.tools.WebhookPrinter, $LOGS/notifications.log); the bridge (streamwatch
# alertmanager) sends it the job's alerts from the alerts topic. Sourced by bin/playground and
# bin/cluster, after common.sh.
#
# Expects: ROOT, WORK, LOGS, RUN, JAVA, BOOTSTRAP, TOOL_TIMEOUT, TOOL_JVM, the ports of
#   settings.sh (KAFKA_PORT ... WEBHOOK_PORT), and STARTED (an array the started components are
#   added to).
# Pid files: $RUN/prometheus.pid, alertmanager.pid, webhook.pid, bridge.pid.

prometheus_binary() { command -v prometheus 2>/dev/null || true; }
alertmanager_binary() { command -v prometheus-alertmanager 2>/dev/null || command -v alertmanager 2>/dev/null || true; }

# start_webhook_printer <classpath>
start_webhook_printer() {
  local cp=$1 pid log="$LOGS/notifications.log"
  nohup "$JAVA" "${TOOL_JVM[@]}" \
    -Dlog4j2.configurationFile="$ROOT/playground/log4j2-tools.properties" \
    -cp "$cp" io.streamwatch.tools.WebhookPrinter --port "$WEBHOOK_PORT" >"$log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$RUN/webhook.pid"
  STARTED+=(webhook)
  wait_until "$TOOL_TIMEOUT" "the webhook printer" "$pid" "$log" grep -q '^webhook-printer: listening' "$log"
}

# Alertmanager with the webhook printer as its receiver.
start_alertmanager() {
  local cp=$1 bin pid dir="$WORK/alertmanager" log="$LOGS/alertmanager.log"
  bin=$(alertmanager_binary)
  [[ -n $bin ]] || die "Alertmanager is not installed (apt-get install prometheus-alertmanager)"
  rm -rf "$dir"
  mkdir -p "$dir"
  sed "s#http://127.0.0.1:9097/notify#http://127.0.0.1:$WEBHOOK_PORT/notify#" \
    "$ROOT/deploy/alertmanager/alertmanager.yml" >"$dir/alertmanager.yml"
  start_webhook_printer "$cp"
  nohup "$bin" --config.file="$dir/alertmanager.yml" --storage.path="$dir/data" \
    --web.listen-address="127.0.0.1:$ALERTMANAGER_PORT" --cluster.listen-address= \
    >"$log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$RUN/alertmanager.pid"
  STARTED+=(alertmanager)
  wait_until "$TOOL_TIMEOUT" "Alertmanager on port $ALERTMANAGER_PORT" "$pid" "$log" \
    http_get "$ALERTMANAGER_PORT" /-/ready
  say "Alertmanager: http://localhost:$ALERTMANAGER_PORT (API; amtool --alertmanager.url=http://localhost:$ALERTMANAGER_PORT alert query; notifications: $(rel "$LOGS")/notifications.log)"
}

# The bridge from the alerts topic to Alertmanager: streamwatch alertmanager.
start_bridge() {
  local cp=$1 pid log="$LOGS/bridge.log"
  nohup "$JAVA" "${TOOL_JVM[@]}" -Dlog4j2.configurationFile="$ROOT/playground/log4j2-tools.properties" \
    -cp "$cp" io.streamwatch.Streamwatch alertmanager --url "http://127.0.0.1:$ALERTMANAGER_PORT" \
    --config "$ROOT/jobs-config/streamwatch.yaml" --bootstrap-servers "$BOOTSTRAP" \
    --flink-url "http://localhost:$WEB_UI_PORT" >"$log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$RUN/bridge.pid"
  STARTED+=(bridge)
  wait_until "$TOOL_TIMEOUT" "the Alertmanager bridge" "$pid" "$log" grep -q 'alertmanager: reading ' "$log"
  say "alerts topic -> Alertmanager bridge running (pid $pid); log: $(rel "$log")"
}

# start_prometheus yes|no: Prometheus scraping the cluster's reporters, evaluating the job's
# alerting rules, sending them to the local Alertmanager when $1 is yes.
start_prometheus() {
  local with_alertmanager=$1 bin pid dir="$WORK/prometheus" log="$LOGS/prometheus.log"
  bin=$(prometheus_binary)
  [[ -n $bin ]] || die "Prometheus is not installed (apt-get install prometheus)"
  rm -rf "$dir"
  mkdir -p "$dir"
  sed -e 's#"127.0.0.1:9249"#"@JM@"#; s#"127.0.0.1:9250"#"@TM@"#; s#"127.0.0.1:9093"#"@AM@"#' \
    -e "s#@JM@#127.0.0.1:$JM_METRICS_PORT#; s#@TM@#127.0.0.1:$TM_METRICS_PORT#" \
    -e "s#@AM@#127.0.0.1:$ALERTMANAGER_PORT#; s#- rules/\\*.yml#- $ROOT/deploy/prometheus/rules/*.yml#" \
    "$ROOT/deploy/prometheus/local.yml" >"$dir/prometheus.yml"
  if [[ $with_alertmanager != yes ]]; then
    # Rules still evaluate (their state shows at /alerts); nothing to send them to.
    sed -i '/^alerting:/,/^$/d' "$dir/prometheus.yml"
  fi
  nohup "$bin" --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
    --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" >"$log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$RUN/prometheus.pid"
  STARTED+=(prometheus)
  wait_until "$TOOL_TIMEOUT" "Prometheus on port $PROMETHEUS_PORT" "$pid" "$log" \
    http_get "$PROMETHEUS_PORT" /-/ready
  say "Prometheus: http://localhost:$PROMETHEUS_PORT (alerting rules: http://localhost:$PROMETHEUS_PORT/classic/alerts)"
}

# cluster_port_owner <port>: which of the broker's and Flink's ports <port> is, if any; a
# monitoring port set to one of them would otherwise only be reported as "in use".
cluster_port_owner() {
  case $1 in
    "$KAFKA_PORT") echo "the broker's (SW_KAFKA_PORT)" ;;
    "$CONTROLLER_PORT") echo "the broker's controller port (SW_KAFKA_PORT + 1)" ;;
    "$WEB_UI_PORT") echo "the Flink web UI's (SW_WEB_UI_PORT)" ;;
    "$JM_RPC_PORT" | "$TM_RPC_PORT") echo "a Flink RPC port (SW_FLINK_RPC_PORT and the next)" ;;
    "$JM_METRICS_PORT" | "$TM_METRICS_PORT") echo "a Flink metrics port (SW_FLINK_METRICS_PORT and the next)" ;;
    *) return 1 ;;
  esac
}

# port_free_for <what> <port...>: true if every port is free, else a warning naming the first.
ports_free_for() {
  local what=$1 port owner
  shift
  for port in "$@"; do
    if owner=$(cluster_port_owner "$port"); then
      warn "port $port is $owner: not starting $what (give it another port)"
      return 1
    fi
    if port_in_use "$port"; then
      warn "port $port is in use: not starting $what"
      return 1
    fi
  done
}
