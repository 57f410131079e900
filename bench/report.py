#!/usr/bin/python3
"""Checks every contender's aggregates against the data set's exact ones, prints the table and
writes docs/BENCHMARKS.md (and a PNG plot when matplotlib is there).

Usage: report.py RESULTS_DIR MARKDOWN_FILE COMMAND LOAD_BEFORE LOAD_AFTER [WARMUP_SHARE]
"""
import json
import re
import math
import os
import platform
import sys
from datetime import datetime, timezone

ORDER = [
    ("java-consume", "(a) Java KafkaConsumer, read only"),
    ("java-parse", "(b) Java KafkaConsumer + Jackson binding"),
    ("sw-decode", "(b') Java KafkaConsumer + Streamwatch's decoder (no Flink)"),
    ("python", "(c) Python confluent-kafka, light: counts, sum, min, max only, writes nothing"),
    ("python-full", "(c') Python confluent-kafka, equal work: every field the job writes, to Kafka"),
    ("kafka-streams", "(d) Kafka Streams, exactly_once_v2"),
    ("sw-eo-rocksdb", "(e) Streamwatch, exactly-once, RocksDB"),
    ("sw-alo-rocksdb", "(e) Streamwatch, at-least-once, RocksDB"),
    ("sw-eo-hashmap", "(e) Streamwatch, exactly-once, heap state"),
]
BASE = "java-parse"
PEER = "python-full"
STREAMWATCH = ("sw-eo-rocksdb", "sw-alo-rocksdb", "sw-eo-hashmap")
QUANTILE_ERROR = 0.01


def read_tsv(path):
    rows = {}
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            rows[tuple(parts[:3])] = parts[3:]
    return rows


def close(a, b):
    a, b = float(a), float(b)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


def check(expected, path):
    """'agree' or a short description of the differences."""
    if not os.path.exists(path):
        return "no aggregates"
    got = read_tsv(path)
    missing = len(set(expected) - set(got))
    extra = len(set(got) - set(expected))
    differ = 0
    for k, want in expected.items():
        have = got.get(k)
        if have is None:
            continue
        if k[0] == "L":
            ok = have == want
        else:
            ok = have[0] == want[0] and all(close(x, y) for x, y in zip(have[1:], want[1:]))
        differ += 0 if ok else 1
    if missing == extra == differ == 0:
        return "agree (%d)" % len(expected)
    return "DIFFER: %d missing, %d extra, %d differ of %d" % (missing, extra, differ, len(expected))


def read_extra(path):
    """expected-extra.tsv or <name>.extra.tsv: {(kind, window, key): [fields]}."""
    rows = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                rows[tuple(parts[:3])] = parts[3:]
    return rows


def exact_patterns(results_dir):
    """The exact top patterns per (window, service) from errors.tsv, with the equal-work peer's own
    masking (so the check is of its counting and ranking, not of its regular expressions)."""
    try:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from consume_full import mask
    except ImportError:
        # No Python Kafka client here, so the peer did not run: the Streamwatch check only adds
        # the counts up, for which the raw message will do.
        def mask(message):
            return message
    counts = {}
    path = os.path.join(results_dir, "errors.tsv")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        for line in f:
            window, service, message = line.rstrip("\n").split("\t", 2)
            c = counts.setdefault((window, service), {})
            p = mask(json.loads(message))
            c[p] = c.get(p, 0) + 1
    return counts


def check_extra(results_dir, name, expected_extra, patterns):
    """Mean (exact), p50/p90/p95/p99 (within 1% of the exact lower quantile), error ratio (exact),
    and top patterns: for the equal-work peer, recomputed exactly with its masking (counts, ranking,
    and the example is of its pattern); for Streamwatch, whose template miner groups differently,
    that the counts add up to at most the window's errors. '' when the contender writes none."""
    got = read_extra(os.path.join(results_dir, name + ".extra.tsv"))
    if not got:
        return ""
    q_bad = mean_bad = ratio_bad = top_bad = missing = 0
    worst = 0.0
    q_n = e_n = 0
    mask = None
    if name == PEER:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from consume_full import mask
    for k, want in expected_extra.items():
        have = got.get(k)
        if have is None:
            missing += 1
            continue
        if k[0] == "Q":
            q_n += 1
            mean_bad += 0 if close(have[0], want[0]) else 1
            bad = False
            for h, w in zip(have[1:], want[1:]):
                h, w = float(h), float(w)
                err = abs(h - w) / abs(w) if w else abs(h)
                worst = max(worst, err)
                bad |= err > QUANTILE_ERROR * (1 + 1e-9)
            q_bad += bad
        else:
            e_n += 1
            ratio_bad += 0 if close(have[0], want[0]) else 1
            top = json.loads(have[1])
            exact = patterns.get((k[1], k[2]), {}) if patterns is not None else {}
            errors = sum(exact.values())
            if mask is not None:
                ranked = sorted(exact.values(), reverse=True)[:5]
                ok = (len(top) == len(ranked)
                      and all(exact.get(p) == c and mask(e) == p for p, c, e in top)
                      and sorted((c for _, c, _ in top), reverse=True) == ranked)
            else:
                ok = len(top) <= 5 and sum(c for _, c, _ in top) <= errors
            top_bad += 0 if ok else 1
    if missing == q_bad == mean_bad == ratio_bad == top_bad == 0:
        return "; quantiles within 1%% (worst %.2f%%), means, error ratios and top patterns agree" % (
            100 * worst)
    return "; EXTRA FIELDS DIFFER: %d missing, quantiles %d, means %d of %d; error ratios %d, top patterns %d of %d" % (
        missing, q_bad, mean_bad, q_n, ratio_bad, top_bad, e_n)


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    return "%d cores, %s, %.0f GiB RAM, %s %s" % (
        os.cpu_count(), model, mem_kb / 1048576, platform.system(), platform.release())


def load_json(path):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def data_set(data):
    if data is None:
        return "- **Data set:** none (the throughput table was not part of this run)."
    return f"""- **Data set:** {data['records']:,} records ({data['log_records']:,} log events, {data['metric_records']:,}
  metric points), {data['avg_bytes']:.0f} bytes on average, {data['keys']} hosts in {data['services']}
  services: {data['log_keys']} log keys, {data['metric_keys']} metric keys, {data['event_minutes']}
  minutes of event time ({data['rate_per_minute']:,} records per minute), so
  {data['log_aggregates'] + data['metric_aggregates']:,} window aggregates. Two partitions per topic,
  plus one sentinel record per partition the data's span plus 30 minutes after the data, which
  closes every window."""


def latency_section(results_dir):
    """The alert-latency part: markdown, and its row of the targets table."""
    r = load_json(os.path.join(results_dir, "alert-latency.json"))
    if r is None:
        return "", "\n| alert visible to read_committed within the bound (p99) | ≤ bound | not run | — |"
    ok = r["alerted"] > 0 and r["missing"] == 0 and r["p99_s"] <= r["bound_s"]
    row = "\n| alert visible to read_committed within window + out-of-orderness + checkpoint interval + 1 s (p99) | ≤ %.0f s | p99 %.1f s | %s |" % (
        r["bound_s"], r["p99_s"], "yes" if ok else "no")
    md = f"""
## Alert latency

`bench/run --only alert-latency`: the real job (exactly-once, RocksDB, parallelism 2, the
example rules) on fresh topics, fed {r['rate_per_s']:,} records per second (well below its
maximum) with event time = now. Every few seconds one probe: a single `http.server.duration`
point of 5000 ms from a host of its own, which makes `SlowRequestsP99` (`p99 > 500`) true for that
host's window. Latency runs from the probe's event time (taken from the wall clock just before it is
sent) to the moment a `read_committed` consumer of the alerts topic reads the firing alert for its
host. Probes fall at every phase of the {r['window_s']:.0f} s window, so the spread is mostly where in
the window the probe fell.

| probes | alerted | p50 | p99 | max | bound (window {r['window_s']:.0f} s + out-of-orderness {r['out_of_orderness_s']:.0f} s + checkpoint {r['checkpoint_interval_s']:.0f} s + 1 s) | within bound |
|---:|---:|---:|---:|---:|---:|---:|
| {r['probes']} | {r['alerted']} | {r['p50_s']:.1f} s | {r['p99_s']:.1f} s | {r['max_s']:.1f} s | {r['bound_s']:.0f} s | {r['within_bound']} of {r['probes']} |
"""
    return md, row


def scaling_section(results_dir):
    """The key-scaling part: markdown, and its rows of the targets table."""
    runs = []
    for d in sorted(os.listdir(results_dir)):
        # A run's directory; its profile (scaling-<keys>.collapsed) lies beside it.
        if not d.startswith("scaling-") or not os.path.isdir(os.path.join(results_dir, d)):
            continue
        keys = int(d.split("-", 1)[1])
        data = load_json(os.path.join(results_dir, d, "data.json"))
        r = load_json(os.path.join(results_dir, d, "scaling-%d.json" % keys))
        if data is None or r is None:
            continue
        expected = read_tsv(os.path.join(results_dir, d, "expected.tsv"))
        if "failed" in r:
            agg = "did not finish: " + r["failed"]
        else:
            agg = check(expected, os.path.join(results_dir, d, "scaling-%d.tsv" % keys))
        runs.append((keys, data, r, agg))
    if not runs:
        return "", "\n| 1M keys vs 10k keys throughput, incremental checkpoints < 5 s | ≥ 50% | not run | — |"
    runs.sort(key=lambda x: x[0])
    lines = ["| metric keys (distinct in the data) | records/s | CPU s / 1M records | checkpoints (failed, restores) | longest completed checkpoint | average | largest incremental | largest full state | aggregates vs exact |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    by_keys = {}
    for keys, data, r, agg in runs:
        finished = "failed" not in r
        rate = r["records"] / r["wall_s"] if finished else 0.0
        by_keys[keys] = (rate, r)
        lines.append("| %s (%s) | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            f"{keys:,}", f"{data['metric_keys']:,}", "%.0f" % rate if finished else "—",
            "%.1f" % (r["cpu_s"] / r["records"] * 1e6) if finished else "—",
            "%s (%s, %s)" % (r.get("checkpoints_completed", "—"), r.get("checkpoints_failed", "—"),
                             r.get("restores", "—")),
            "%.1f s" % r["checkpoint_max_s"] if "checkpoint_max_s" in r else "—",
            "%.1f s" % r["checkpoint_avg_s"] if "checkpoint_avg_s" in r else "—",
            "%.1f MB" % (r["checkpoint_max_incremental_bytes"] / 1e6) if "checkpoint_max_incremental_bytes" in r else "—",
            "%.1f MB" % (r["checkpoint_max_state_bytes"] / 1e6) if "checkpoint_max_state_bytes" in r else "—",
            agg))
    small, large = min(by_keys), max(by_keys)
    ratio = by_keys[large][0] / by_keys[small][0]
    worst = max(r.get("checkpoint_max_s", float("inf")) for _, (_, r) in by_keys.items())
    # A failure that never started a checkpoint (Flink could not trigger it) says nothing about
    # how long checkpoints take; one that started and failed does.
    started_failed = sum(r.get("checkpoints_failed", 0) - r.get("checkpoints_failed_before_start", 0)
                         for _, (_, r) in by_keys.items())
    before_start = sum(r.get("checkpoints_failed_before_start", 0) for _, (_, r) in by_keys.items())
    if started_failed:
        worst = float("inf")
    finished = "failed" not in by_keys[large][1] and "failed" not in by_keys[small][1]
    rows = "\n| %s keys vs %s keys throughput | ≥ 50%% | %s | %s |" % (
        f"{large:,}", f"{small:,}", "%.0f%%" % (100 * ratio) if finished else "did not finish",
        "yes" if finished and ratio >= 0.5 else "no")
    rows += "\n| incremental checkpoints at every key count | < 5 s | %s | %s |" % (
        ("longest %.1f s" % worst + (", %d failed before it started" % before_start
                                      if before_start else ""))
        if worst != float("inf") else "some failed",
        "yes" if worst < 5 else "no")
    first = runs[0][1]
    md = f"""
## Key scaling

`bench/run --only key-scaling`: one data set per key count, metric points only
({first['records']:,} records each, {first['rate_per_minute']:,} per minute of event time over
{first['event_minutes']} minutes, so with a million keys each window holds nearly every key), the
job with exactly-once, RocksDB and incremental checkpoints every
{runs[0][2].get('checkpoint_interval', '10s')}, in a MiniCluster whose REST API gives the checkpoint
figures (`/jobs/<id>/checkpoints`: every completed checkpoint of the run). Throughput and CPU are
measured as in the table above (the steady span), so they include emitting one aggregate per key
when a window closes, and the alert rules' evaluation of each; the checkpoint figures cover the
whole run.

{chr(10).join(lines)}
"""
    failures = [f"{keys:,} keys, checkpoint {f}" for keys, (_, r) in sorted(by_keys.items())
                for f in r.get("checkpoint_failures", [])]
    failures += [f"{keys:,} keys: {r['checkpoints_failed_before_start']} that Flink could not start"
                 " (no entry in its checkpoint history; the JobManager log, at INFO, says why)"
                 for keys, (_, r) in sorted(by_keys.items())
                 if r.get("checkpoints_failed_before_start")]
    if failures:
        md += "\nFailed checkpoints, with Flink's reason:\n" + "".join(
            f"- {f}\n" for f in failures)
    return md, rows


def short_thread(name):
    """A thread's name without subtask numbers, and an operator chain by its first operator."""
    name = name.replace(" (N/N)#N", "").replace("(N/N)#N", "").strip()
    # Client ids carry the run's id: Kafka Streams' threads and the producers' sending threads.
    name = re.sub(r"bench-N-kafka-streams-\S*?-(StreamThread-N)", r"Kafka Streams \1", name)
    name = re.sub(r"bench-N-[a-z]+-[a-z]+-[a-z]+-", "", name)
    if " -> " in name:
        name = name.split(" -> ", 1)[0] + " → …"
    return name


def cpu_section(results_dir, results):
    """Where each contender's CPU went, from the <name>.threads.tsv its runner wrote."""
    lines = ["| contender | CPU s / 1M records | of which JIT compiler | garbage collector | busiest threads (CPU s / 1M records) |",
             "|---|---:|---:|---:|---|"]
    for name, label in ORDER:
        r = results.get(name)
        path = os.path.join(results_dir, name + ".threads.tsv")
        if r is None or not os.path.exists(path):
            continue
        per_m = 1e6 / r["records"]
        jit = gc = 0.0
        threads = {}
        with open(path) as f:
            next(f)
            for line in f:
                cpu, thread = line.rstrip("\n").split("\t", 1)
                cpu = float(cpu)
                if thread.startswith("jvm: ") and "Compi" in thread:
                    jit += cpu
                elif thread.startswith("jvm: ") and ("GC" in thread or "G1" in thread or "GN" in thread):
                    gc += cpu
                elif not thread.startswith("jvm: ") and not thread.startswith("bench-watcher"):
                    key = short_thread(thread)
                    threads[key] = threads.get(key, 0.0) + cpu
        top = sorted(threads.items(), key=lambda kv: -kv[1])[:5]
        lines.append("| %s | %.1f | %.1f | %.1f | %s |" % (
            label, r["cpu_s"] * per_m, jit * per_m, gc * per_m,
            "; ".join("%s %.1f" % (t.replace("|", "/"), c * per_m) for t, c in top)))
    if len(lines) == 2:
        return ""
    return f"""
## Where the CPU goes

From each runner's CPU by thread over the steady span (`<contender>.threads.tsv` in the work
directory; the warm-up's is in `<contender>.warmup.threads.tsv`): the JVM's JIT compilers and
garbage collector, and the busiest threads, subtasks added up (an operator chain is named by its
first operator).

{chr(10).join(lines)}
"""


# Areas of a profile, each with the frame patterns that make a sample its. A sample goes to the
# area of the frame nearest its leaf that matches one (within a frame, the first area listed wins),
# except for the threads that are an area as a whole (JIT compiler, garbage collector, the bench's
# watchers), found anywhere in the stack.
THREAD_AREAS = [
    ("JIT compiler", re.compile(r"CompileBroker::|C2Compiler::|Compiler::compile")),
    ("garbage collector", re.compile(r"^(G1|GCTaskThread|ConcurrentGCThread|WorkerThread::run|"
                                     r"GangWorker|G1ServiceThread|G1ConcurrentRefineThread)")),
    ("(bench watchers: excluded)", re.compile(r"BenchStreamwatch\$Watcher|bench-watcher")),
]
FRAME_AREAS = [
    ("rules (alert evaluation, CEL)", re.compile(r"^(io/streamwatch/alerts/|io/streamwatch/rules/|dev/cel/)")),
    ("template mining", re.compile(r"^io/streamwatch/aggregation/(Template|PatternMasker)")),
    ("encode", re.compile(r"^io/streamwatch/sinks/(\w*Encoder|JsonOutput|KafkaMessageSerializer)")),
    ("sink (Kafka producer)", re.compile(r"^(org/apache/flink/connector/kafka/sink/|"
                                         r"org/apache/kafka/clients/producer/)")),
    # The floor's Jackson binding is its decode.
    ("decode", re.compile(r"^io/streamwatch/(formats/|functions/DecodedRouter|bench/BenchConsume\.main)")),
    ("timers", re.compile(r"InternalTimerService|KeyGroupPartitionedPriorityQueue|TimerHeap|"
                          r"HeapPriorityQueue|RocksDBCachingPriorityQueue|TimerSlicer|"
                          r"Trigger\.on|registerEventTimeTimer|deleteEventTimeTimer|onEventTime")),
    ("state (RocksDB, heap state, state serializers)", re.compile(
        r"^(org/rocksdb/|org/apache/flink/state/rocksdb/|org/apache/flink/contrib/streaming/state/|"
        r"org/apache/flink/runtime/state/|io/streamwatch/aggregation/MetricAccumulatorSerializer|"
        r"org/apache/flink/state/)")),
    ("aggregation (window operator, accumulators, sketches)", re.compile(
        r"^(io/streamwatch/aggregation/|io/streamwatch/operators/|"
        r"org/apache/flink/streaming/runtime/operators/windowing/)")),
    ("Kafka fetch (consumer, source reader)", re.compile(
        r"^(org/apache/kafka/clients/consumer/|org/apache/flink/connector/kafka/source/|"
        r"org/apache/flink/connector/base/source/)")),
    ("Flink hand-over (network, serialization, mailbox)", re.compile(
        r"^org/apache/flink/(runtime/io/|streaming/runtime/io/|runtime/plugable/|"
        r"streaming/runtime/streamrecord/|streaming/runtime/tasks/|streaming/api/operators/|"
        r"runtime/taskmanager/)")),
    ("bench harness (progress, status)", re.compile(r"^io/streamwatch/bench/")),
]
OTHER = "other (JVM, RPC, metrics, interpreter)"
AREAS = [a for a, _ in THREAD_AREAS] + [a for a, _ in FRAME_AREAS] + [OTHER]


def classify(frames):
    for area, rx in THREAD_AREAS:
        if any(rx.search(f) for f in frames):
            return area
    for f in reversed(frames):
        for area, rx in FRAME_AREAS:
            if rx.search(f):
                return area
    return OTHER


def read_profile(path):
    """Samples per area of one <name>.collapsed file."""
    areas = {}
    with open(path) as f:
        for line in f:
            stack, _, n = line.rstrip("\n").rpartition(" ")
            if not stack:
                continue
            area = classify(stack.split(";"))
            areas[area] = areas.get(area, 0) + int(n)
    return areas


def profile_section(results_dir, results):
    """Where the time goes, by area, from each Java contender's async-profiler samples."""
    profiled = []
    for name, label in ORDER:
        path = os.path.join(results_dir, name + ".collapsed")
        if name in results and os.path.exists(path) and (name in STREAMWATCH or name == BASE):
            profiled.append((name, label, read_profile(path)))
    if not profiled:
        return ""
    head = "| area | " + " | ".join(label.split(",", 1)[0] if n == BASE else label.replace("(e) Streamwatch, ", "")
                                   for n, label, _ in profiled) + " |"
    lines = [head, "|---|" + "---:|" * len(profiled)]
    per_m = {}
    for name, _, areas in profiled:
        r = results[name]
        counted = sum(n for a, n in areas.items() if not a.startswith("(bench watchers"))
        per_m[name] = {a: r["cpu_s"] / r["records"] * 1e6 * n / counted if counted else 0.0
                       for a, n in areas.items()}
        per_m[name]["_total"] = r["cpu_s"] / r["records"] * 1e6
        per_m[name]["_samples"] = counted
    for area in AREAS:
        if area.startswith("(bench watchers") or not any(per_m[n].get(area) for n, _, _ in profiled):
            continue
        cells = []
        for name, _, _ in profiled:
            v = per_m[name].get(area, 0.0)
            cells.append("%.2f (%.0f%%)" % (v, 100 * v / per_m[name]["_total"]) if v else "—")
        lines.append("| %s | %s |" % (area, " | ".join(cells)))
    lines.append("| **all (CPU s / 1M records, samples)** | %s |" % " | ".join(
        "**%.2f** (%d)" % (per_m[n]["_total"], per_m[n]["_samples"]) for n, _, _ in profiled))
    interval = "10 ms"
    return f"""
## Where the time goes

async-profiler (`event=cpu`, one sample per {interval} of CPU in any thread) over each contender's
steady span only: it is started at the warm-up mark and stopped with the clock. Each sample goes to
an area by the frame nearest its leaf that belongs to one (bench/report.py, `FRAME_AREAS`: e.g. a
RocksDB read inside the rule evaluator is state, a string read by Flink's record deserializer is
hand-over); the JIT compiler's and garbage collector's threads are areas as a whole. The area's
CPU s per 1M records is its share of the samples times the contender's CPU per record (the
watchers' samples left out, as their CPU is). Sampling at this rate adds little, but that was not
measured apart on this shared machine: `bench/run --no-profile` runs without it, to compare.

{chr(10).join(lines)}
"""


def jit_seconds(results_dir, name, warmup=False):
    """CPU of the JIT compiler threads in the steady (or warm-up) span, from the threads table."""
    path = os.path.join(results_dir, name + (".warmup" if warmup else "") + ".threads.tsv")
    if not os.path.exists(path):
        return None
    jit = 0.0
    with open(path) as f:
        next(f)
        for line in f:
            cpu, thread = line.rstrip("\n").split("\t", 1)
            if thread.startswith("jvm: ") and "Compi" in thread:
                jit += float(cpu)
    return jit


def main():
    results_dir, md_path, command, load_before, load_after = sys.argv[1:6]
    warmup = float(sys.argv[6]) if len(sys.argv) > 6 else 0.0
    jvm_flags = sys.argv[7] if len(sys.argv) > 7 else ""
    warmup_pct = "%.0f%%" % (100 * warmup)
    command = command.strip()
    data = load_json(os.path.join(results_dir, "data.json"))
    expected = read_tsv(os.path.join(results_dir, "expected.tsv")) if data else {}
    expected_extra = read_extra(os.path.join(results_dir, "expected-extra.tsv")) if data else {}
    patterns = exact_patterns(results_dir)
    results = {}
    for name, _ in ORDER:
        p = os.path.join(results_dir, name + ".json")
        if os.path.exists(p):
            with open(p) as f:
                results[name] = json.load(f)
    base = results.get(BASE)
    base_rate = base["records"] / base["wall_s"] if base else None
    base_cpu = base["cpu_s"] / base["records"] * 1e6 if base else None

    header = ("| contender | records/s | vs (b) | CPU s / 1M records | vs (b) | cores used | JIT % of CPU "
              "| warm-up: records, records/s, CPU s / 1M | start-up s | aggregates vs exact |")
    lines = [header, "|---|---:|---:|---:|---:|---:|---:|---|---:|---|"]
    rates = {}
    for name, label in ORDER:
        r = results.get(name)
        if r is None:
            if name == "sw-decode":
                continue  # optional, not in the default set
            # A contender that started has a log; without its JSON it did not finish.
            ran = os.path.exists(os.path.join(os.path.dirname(os.path.abspath(results_dir)), "logs",
                                              name + ".log"))
            lines.append("| %s | — | — | — | — | — | — | — | — | %s |" % (
                label, "did not finish (see logs/%s.log)" % name if ran else "not run"))
            continue
        rate = r["records"] / r["wall_s"]
        rates[name] = rate
        cpu = r["cpu_s"] / r["records"] * 1e6
        if name.startswith("java-") or name == "sw-decode":
            agg = "— (no aggregates)"
        else:
            agg = check(expected, os.path.join(results_dir, name + ".tsv"))
            if r.get("duplicates"):
                agg += ", %d duplicate keys" % r["duplicates"]
            if r.get("late"):
                agg += ", %d late records" % r["late"]
            agg += check_extra(results_dir, name, expected_extra, patterns)
        startup = "%.1f" % r["startup_s"]
        if "job_startup_s" in r:
            startup = "%.1f (job %.1f)" % (r["startup_s"], r["job_startup_s"])
        jit = jit_seconds(results_dir, name)
        warm = "—"
        if r.get("warmup_records"):
            warm = "%s, %.0f, %.1f" % (f"{r['warmup_records']:,}", r["warmup_records"] / r["warmup_wall_s"],
                                       r["warmup_cpu_s"] / r["warmup_records"] * 1e6)
        cores = "%.2f" % (r["cpu_s"] / r["wall_s"])
        if "consume_wait_s" in r:
            cores += " (waited %.0f%%)" % (100 * r["consume_wait_s"] / r["wall_s"])
        lines.append("| %s | %.0f | %s | %.1f | %s | %s | %s | %s | %s | %s |" % (
            label, rate, "%.2f" % (rate / base_rate) if base_rate else "—",
            cpu, "%.2f" % (cpu / base_cpu) if base_cpu else "—",
            cores, "%.1f" % (100 * jit / r["cpu_s"]) if jit is not None else "—",
            warm, startup, agg))
    table = "\n".join(lines)

    cpu_per = {n: r["cpu_s"] / r["records"] for n, r in results.items()}  # CPU s per record

    def ratio(a, b, by):
        return by[a] / by[b] if a in by and b in by else None

    def pct(x):
        return "%.0f%%" % (100 * x) if x is not None else "—"

    def times(x):
        return "%.2f×" % x if x is not None else "—"

    def cost(x):
        return "%.1f%%" % (100 * (1 - x)) if x is not None else "—"

    def more(x):
        return "%+.0f%%" % (100 * (x - 1)) if x is not None else "—"

    def met(x, ok):
        return "—" if x is None else ("yes" if ok(x) else "no")

    def share(x):
        return "%.1f%%" % (100 * x) if x is not None else "—"

    eo = "sw-eo-rocksdb"
    jit_eo = jit_seconds(results_dir, eo)
    targets = [
        ("exactly-once + RocksDB records/s vs the equal-work Python peer (c')", "≥ 5×",
         ratio(eo, PEER, rates), times, lambda x: x >= 5),
        ("exactly-once + RocksDB records/s vs the java-parse floor (b)", "≥ 0.5×",
         ratio(eo, BASE, rates), times, lambda x: x >= 0.5),
        ("exactly-once + RocksDB CPU per record vs the floor (b)", "≤ 3×",
         ratio(eo, BASE, cpu_per), times, lambda x: x <= 3),
        ("RocksDB vs heap state, CPU per record (exactly-once)", "within 25%",
         ratio(eo, "sw-eo-hashmap", cpu_per), more, lambda x: abs(x - 1) <= 0.25),
        ("exactly-once + RocksDB records/s vs Kafka Streams (d)", "> 1×",
         ratio(eo, "kafka-streams", rates), times, lambda x: x > 1),
        ("cost of exactly-once vs at-least-once (records/s)", "≤ 5%",
         ratio(eo, "sw-alo-rocksdb", rates), cost, lambda x: 1 - x <= 0.05),
        ("steady state: JIT compiler's share of exactly-once + RocksDB's CPU", "< 5%",
         jit_eo / results[eo]["cpu_s"] if jit_eo is not None and eo in results else None,
         share, lambda x: x < 0.05),
    ]
    tlines = ["| target (SPEC §8, issue 15; steady state) | wanted | measured | met |",
              "|---|---|---:|---|"]
    for what, want, x, fmt, ok in targets:
        tlines.append("| %s | %s | %s | %s |" % (what, want, fmt(x), met(x, ok)))
    target_table = "\n".join(tlines)
    binding = ""
    if PEER in rates and BASE in rates:
        five, half = 5 * rates[PEER], 0.5 * rates[BASE]
        binding = ("\n\n5× the equal-work peer is %.0f records/s and half the floor %.0f: %s." % (
            five, half, "the floor's half is the binding target" if five > half
            else "5× the peer is the binding target"))

    transactional = [results[n] for n in STREAMWATCH + ("kafka-streams",)
                     if n in results and "commit_wait_s" in results[n]]
    commit = ", ".join("%s %.1f s" % (r["name"], r["commit_wait_s"]) for r in transactional)
    latency_md, latency_rows = latency_section(results_dir)
    scaling_md, scaling_rows = scaling_section(results_dir)
    cpu_md = cpu_section(results_dir, results)
    profile_md = profile_section(results_dir, results)
    target_table += latency_rows + scaling_rows
    target_table += binding
    jit_base = jit_seconds(results_dir, BASE)
    if jit_eo is not None and eo in results and jit_eo / results[eo]["cpu_s"] >= 0.05:
        r = results[eo]
        note = ("\n\nThe JIT compiler had not settled in the steady span: %.0f%% of exactly-once +"
                " RocksDB's CPU" % (100 * jit_eo / r["cpu_s"]))
        if jit_base is not None and BASE in results:
            b = results[BASE]
            note += ", %.0f%% of the floor's. Without the compiler threads on either side, its CPU" \
                    " per record is %.2f× the floor's" % (
                        100 * jit_base / b["cpu_s"],
                        ((r["cpu_s"] - jit_eo) / r["records"]) / ((b["cpu_s"] - jit_base) / b["records"]))
        target_table += note + " (a job that runs for days compiles its code once)."
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(table)
    print()
    print(target_table)

    md = f"""# Benchmarks

Measured by `bench/run` (see docs/benchmarking.md): every contender reads the same
two input topics of one local broker, one after another, each in its own process.

- **Date:** {now}
- **Machine:** {machine()}
- **Load average** (1, 5, 15 min) before the run: {load_before}; after: {load_after}. The machine
  was shared with other builds and tests, so absolute figures are noisy; ratios come from one run.
- **Command:** `{command}`
- **JVM flags** of every Java contender, besides `-Xms1g -Xmx2g`: {"`" + jvm_flags + "`" if jvm_flags else "none"}
  (the TaskManager's `env.java.opts.taskmanager` of flink-conf/config.yaml)
{data_set(data)}
{table}

**Steady state.** A job runs for days, so the table gives what it does once warm: every
contender's figures are taken over the same part of its input, from the moment it has consumed
{warmup_pct} of the input records to the end of its work; the records before are the
**warm-up** (shown apart: records, records/s and CPU s / 1M records: the JIT compiler's busiest
time, caches filling), and the process's time before its first record is **start-up**. The
**JIT % of CPU** column shows how much compiling is left in the steady span. With the JVM's
defaults for 2 cores (one C2 compiler thread, G1) it never settled within a run: with
`-XX:+LogCompilation`, a 30M-record run of exactly-once + RocksDB kept its C2 thread busy for
130 s, and the job's hottest methods (`PreAggregator.processElement`, the window operator's and
the rule evaluator's `processElement`) were queued for C2 at 9 s and compiled only at 72-81 s:
the one compiler thread shared 2 cores with every busy task thread, and the job ran slower code
meanwhile. Steady spans of such runs used 5.8-5.9 CPU s per 1M records; with three C2 threads
4.4-5.0; with the throughput collector as well 3.4-4.0 (three to four runs each, 2026-12-07).
Those flags are the TaskManager's in flink-conf/config.yaml, so the bench gives them to every Java
contender (above).

How to read it:
- **records/s** is the steady span's records over its wall time. The span starts when the
  contender's consumers have consumed the warm-up share of the input (counted by the floor and
  the Python peers themselves; read from the Kafka consumers' `records-consumed-total` per input
  topic for Kafka Streams and Streamwatch, over JMX, every 50 ms). It ends, for the floor and
  the light Python peer, at the end offsets; for the equal-work Python peer, when its producer has
  delivered every aggregate; for Kafka Streams and Streamwatch, when every window aggregate of the
  data has been written to its output topic (seen by a `read_uncommitted` watcher). Start-up
  is the process's time before the warm-up (for Streamwatch, in brackets, the part from job
  submission to RUNNING). With exactly-once the aggregates become visible to `read_committed`
  consumers at the next checkpoint (Kafka Streams: its next commit); that further wait was:
  {commit or '—'}. A wait of minutes means aborted transactions (a fenced producer), whose
  records the `read_uncommitted` watcher counted too: that contender's span ended early, and its
  figures do not compare.
- **CPU s / 1M records** is the process's CPU time (all threads, user and system, as the kernel
  counts it) over the same span, minus the two watcher threads of Streamwatch and Kafka Streams.
  **cores used** is CPU time over wall time: at most 2 here. A single-threaded consumer can use
  about 1; a figure well below what a contender could use means it waited for the CPU (other load)
  or for I/O. For the Python peers, **waited** is the share of the span their `consume()` call
  blocked (wall minus the calling thread's CPU): the client's fetching falling behind.
- **aggregates vs exact** compares every window aggregate with the exact ones the generator
  computed (per service: total and count per level; per metric name, service and host: count,
  sum, min, max). Where a contender writes more (Streamwatch, the equal-work peer) it also
  checks the mean, p50/p90/p95/p99 within 1% of the exact lower quantile (rank
  floor(q·(count − 1)), the job's definition), the error ratio and the top 5 error patterns: for the
  equal-work peer recomputed from every ERROR/FATAL message with its own masking (counts, ranking,
  example); for Streamwatch, whose template miner groups messages its own way, that each window's
  pattern counts add up to at most its errors. Streamwatch's are read with `read_committed`.
- (c) the light Python peer does less than Streamwatch: it writes nothing to Kafka, and computes no
  quantiles, patterns or error ratio. (c') the equal-work peer computes every field the job writes
  (bench/consume_full.py): per log window and service total, count per level, error ratio, the top 5
  masked ERROR/FATAL patterns with count and example; per metric window, name, service and host
  count, sum, min, max, mean and exact p50/p90/p95/p99 from the sorted values; windows close on
  the watermark (per topic, the lowest over partitions of the highest event time seen, minus 5 s),
  dicts per window and a heap of window ends; each aggregate goes to its own output topics as JSON
  with a confluent-kafka producer. Neither keeps state across restarts or evaluates alert rules.
  Both peers use a consumer tuned to prefetch large batches (bench/consume.py `CONSUMER`) and take
  10000 messages per `consume()`.
- Kafka Streams computes the light Python peer's aggregates (no quantiles, patterns or alerts) with
  `exactly_once_v2`, RocksDB window stores, final results only (`EmitStrategy.onWindowClose()`,
  not `suppress`, which holds every window of the grace on the heap), two stream
  threads and the data's event-time span plus 20 minutes of grace, so its windows close only at the
  sentinels (its two input tasks run ahead of each other through the repartition topic by far more
  than Streamwatch's 5 s of out-of-orderness: with 20 minutes on 167 minutes of data, whole windows
  were lost); its event time is the record timestamp, which the loader set to the event time.
- Streamwatch runs the full job of `jobs-config/streamwatch.yaml` (both pipelines, DDSketch
  quantiles, top error patterns, the example alert rules) with parallelism 2 in a local
  MiniCluster without web UI, with the managed memory (RocksDB's block cache and write buffers)
  of the TaskManager in `flink-conf/config.yaml`: 512 MB.

## Targets

SPEC section 8 and issue 15, as ratios within this run, from the steady-state figures above.
Wall-clock throughput is at the mercy of the machine's other load while each contender ran; CPU
per record is steadier on a shared machine.

{target_table}
{cpu_md}{profile_md}{latency_md}{scaling_md}"""
    png = os.path.join(os.path.dirname(md_path), "images", "benchmark.png")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        names = [n for n, _ in ORDER if n in rates]
        if not names:
            raise ImportError("no throughput figures to plot")
        fig, ax = plt.subplots(figsize=(8, 3.6))
        ax.barh(names[::-1], [rates[n] / 1000 for n in names[::-1]], color="#4477aa")
        ax.set_xlabel("thousand records per second (higher is better)")
        ax.set_title("Streamwatch benchmark, %s records, %d keys" % (
            f"{data['records']:,}", data["keys"]))
        for i, n in enumerate(names[::-1]):
            ax.text(rates[n] / 1000, i, " %.0fk" % (rates[n] / 1000), va="center", fontsize=8)
        fig.tight_layout()
        os.makedirs(os.path.dirname(png), exist_ok=True)
        fig.savefig(png, dpi=100)
        md += "\n![Throughput per contender](images/benchmark.png)\n"
    except ImportError:
        pass
    with open(md_path, "w") as f:
        f.write(md)


if __name__ == "__main__":
    main()
