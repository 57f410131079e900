# shellcheck shell=bash
# Helpers shared by bin/playground, bin/cluster and the libraries next to this file: messages,
# timing, log tails, ports, pid files and bounded stops. Sourced, never run.
#
# Expects: ROOT (the repository), RUN (pid files), SW_TAG (message prefix), and MAIN_CLASS, an
# associative array from component name to the main class that identifies its process.

# Messages go to stderr: stdout carries the tail's records (and function results). A message that
# cannot be written (stderr is a pipe whose reader is gone, e.g. `| tee log` after Ctrl-C) is
# dropped, never an error: under `set -e` a failed write would end a cleanup before it stopped
# anything. (The cleanups also ignore SIGPIPE, see ignore_closed_output.)
say() { printf '[%s] %s\n' "${SW_TAG:-streamwatch}" "$*" >&2 2>/dev/null || true; }
warn() { printf '[%s] WARNING: %s\n' "${SW_TAG:-streamwatch}" "$*" >&2 2>/dev/null || true; }
die() {
  printf '[%s] ERROR: %s\n' "${SW_TAG:-streamwatch}" "$*" >&2 2>/dev/null || true
  exit 1
}

# SIGTERM to the background jobs of this shell that still run, e.g. the TopicCommands of
# create_topics when a start is interrupted (for the components use stop_component, in order).
stop_background_jobs() {
  local pids
  pids=$(jobs -p)
  # shellcheck disable=SC2086  # one pid a word
  [[ -z $pids ]] || kill -TERM $pids 2>/dev/null || true
}

# For the first line of a cleanup (an EXIT trap): from here on, signals do not cut it short and a
# write to a closed stdout/stderr fails quietly (EPIPE) instead of killing the shell with SIGPIPE,
# and no failed command ends it (set +e): it must get to stopping every process it started.
ignore_closed_output() {
  trap '' PIPE INT TERM HUP
  set +e
}

# Milliseconds since the epoch, for "took 4.2 s" messages.
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
since() { local ms=$(($(now_ms) - $1)); printf '%d.%d s' $((ms / 1000)) $((ms % 1000 / 100)); }

# A path relative to the repository, for messages.
rel() { echo "${1#"$ROOT"/}"; }

show_log_tail() {
  local file=$1 lines=${2:-25}
  if [[ -s $file ]]; then
    printf -- '----- last %d lines of %s -----\n' "$lines" "$(rel "$file")" >&2
    tail -n "$lines" "$file" >&2
    printf -- '-----\n' >&2
  fi
}

# flink_conf_value <key>: the value of the line "key: value" of flink-conf/config.yaml, without
# surrounding quotes; empty when there is no such line.
flink_conf_value() {
  sed -n "s/^$1: *//p" "$ROOT/flink-conf/config.yaml" | head -n 1 | sed 's/^"\(.*\)"$/\1/'
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# GET http://127.0.0.1:<port><path>, body on stdout; fails on no answer or a status >= 400.
# Uses curl where there is one, else bash's /dev/tcp (a fresh machine may have no curl).
http_get() {
  local port=$1 path=$2
  if command -v curl >/dev/null; then
    curl -fsS --max-time 5 "http://127.0.0.1:$port$path"
    return
  fi
  # shellcheck disable=SC2016  # expanded by the inner bash
  timeout 5 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" "$2" >&3
    IFS= read -r status <&3 || exit 1
    case $status in *" 2"[0-9][0-9]*) ;; *) exit 1 ;; esac
    while IFS= read -r line <&3 && [[ -n ${line%$'"'"'\r'"'"'} ]]; do :; done
    cat <&3' _ "$port" "$path"
}

# The pid recorded for a component if that process still runs the component's main class (so a
# recycled pid is never killed by mistake).
running_pid() {
  local name=$1 pid
  [[ -f $RUN/$name.pid ]] || return 1
  pid=$(<"$RUN/$name.pid")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF " ${MAIN_CLASS[$name]} " || return 1
  echo "$pid"
}

# SIGTERM, wait (bounded by STOP_TIMEOUT), then SIGKILL. Returns once the process is gone.
stop_component() {
  local name=$1 pid until
  if pid=$(running_pid "$name"); then
    kill -TERM "$pid" 2>/dev/null || true
    until=$((SECONDS + ${STOP_TIMEOUT:-20}))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < until)); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      warn "$name (pid $pid) ignored SIGTERM for ${STOP_TIMEOUT:-20}s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
    fi
    say "stopped $name (pid $pid)"
  fi
  rm -f "$RUN/$name.pid"
}

# wait_until <seconds> <what> <pid or -> <log> <command...>: runs the command every 0.2 s until it
# succeeds. Dies with the log's tail when the deadline passes or the process <pid> exits first.
wait_until() {
  local timeout=$1 what=$2 pid=$3 log=$4
  shift 4
  local until=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [[ $pid != - ]] && ! kill -0 "$pid" 2>/dev/null; then
      show_log_tail "$log" 40
      die "$what: the process exited (log: $(rel "$log"))"
    fi
    if ((SECONDS >= until)); then
      show_log_tail "$log" 40
      die "$what: not done after ${timeout}s (log: $(rel "$log"))"
    fi
    sleep 0.2
  done
}

# Total resident memory of the given pids, in MB.
rss_mb() {
  local pid total=0 kb
  for pid in "$@"; do
    kb=$(ps -o rss= -p "$pid" 2>/dev/null || echo 0)
    total=$((total + ${kb:-0}))
  done
  echo $((total / 1024))
}
