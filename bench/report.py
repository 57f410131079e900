#!/usr/bin/python3
"""Checks every contender's aggregates against the data set's exact ones, prints the table and
writes docs/BENCHMARKS.md (and a PNG plot when matplotlib is there).

Usage: report.py RESULTS_DIR MARKDOWN_FILE COMMAND LOAD_BEFORE LOAD_AFTER
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
    ("python", "(c) Python confluent-kafka, window aggregates in dicts"),
    ("kafka-streams", "(d) Kafka Streams, exactly_once_v2"),
    ("sw-eo-rocksdb", "(e) Streamwatch, exactly-once, RocksDB"),
    ("sw-alo-rocksdb", "(e) Streamwatch, at-least-once, RocksDB"),
    ("sw-eo-hashmap", "(e) Streamwatch, exactly-once, heap state"),
]
BASE = "java-parse"


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
  plus one sentinel record per partition 30 minutes after the data, which closes every window."""


def latency_section(results_dir):
    """The alert-latency part: markdown, and its row of the targets table."""
    r = load_json(os.path.join(results_dir, "alert-latency.json"))
    if r is None:
        return "", "\n| alert visible to read_committed within the bound (p99) | ≤ bound | not run | — | — | — |"
    ok = r["alerted"] > 0 and r["missing"] == 0 and r["p99_s"] <= r["bound_s"]
    row = "\n| alert visible to read_committed within window + out-of-orderness + checkpoint interval + 1 s (p99) | ≤ %.0f s | p99 %.1f s | %s | | |" % (
        r["bound_s"], r["p99_s"], "yes" if ok else "no")
    row = row.replace("| | |", "| — | — |")
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
        if not d.startswith("scaling-"):
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
        return "", "\n| 1M keys vs 10k keys throughput, incremental checkpoints < 5 s | ≥ 50% | not run | — | — | — |"
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
    rows = "\n| %s keys vs %s keys throughput | ≥ 50%% | %s | %s | | |" % (
        f"{large:,}", f"{small:,}", "%.0f%%" % (100 * ratio) if finished else "did not finish",
        "yes" if finished and ratio >= 0.5 else "no")
    rows = rows.replace("| | |", "| — | — |")
    rows += "\n| incremental checkpoints at every key count | < 5 s | %s | %s | | |" % (
        ("longest %.1f s" % worst + (", %d failed before it started" % before_start
                                      if before_start else ""))
        if worst != float("inf") else "some failed",
        "yes" if worst < 5 else "no")
    rows = rows.replace("| | |", "| — | — |")
    first = runs[0][1]
    md = f"""
## Key scaling

`bench/run --only key-scaling`: one data set per key count, metric points only
({first['records']:,} records each, about one minute of event time, so one window holds nearly
every key at once), the job with exactly-once, RocksDB and incremental checkpoints every
{runs[0][2].get('checkpoint_interval', '10s')}, in a MiniCluster whose REST API gives the checkpoint
figures (`/jobs/<id>/checkpoints`: every completed checkpoint of the run). Throughput is measured as
in the table above, so it includes emitting one aggregate per key when the window closes, and the
alert rules' evaluation of each.

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

From each runner's CPU by thread over the measured span (`<contender>.threads.tsv` in the work
directory): the JVM's JIT compilers and garbage collector, and the busiest threads, subtasks
added up (an operator chain is named by its first operator). The runs are short, so compiling
the code is a good part of every JVM contender's CPU; in a job that runs for days it is not.

{chr(10).join(lines)}
"""


def main():
    results_dir, md_path, command, load_before, load_after = sys.argv[1:6]
    command = command.strip()
    data = load_json(os.path.join(results_dir, "data.json"))
    expected = read_tsv(os.path.join(results_dir, "expected.tsv")) if data else {}
    results = {}
    for name, _ in ORDER:
        p = os.path.join(results_dir, name + ".json")
        if os.path.exists(p):
            with open(p) as f:
                results[name] = json.load(f)
    base = results.get(BASE)
    base_rate = base["records"] / base["wall_s"] if base else None
    base_cpu = base["cpu_s"] / base["records"] * 1e6 if base else None

    header = ("| contender | records/s | vs (b) | CPU s / 1M records | vs (b) | wall s | cores used | start-up s "
              "| aggregates vs exact |")
    lines = [header, "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    rates = {}
    for name, label in ORDER:
        r = results.get(name)
        if r is None:
            if name == "sw-decode":
                continue  # optional, not in the default set
            todo = "not run"
            lines.append("| %s | — | — | — | — | — | — | — | %s |" % (label, todo))
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
        startup = "%.1f" % r["startup_s"]
        if "job_startup_s" in r:
            startup = "%.1f (job %.1f)" % (r["startup_s"], r["job_startup_s"])
        lines.append("| %s | %.0f | %s | %.1f | %s | %.1f | %.2f | %s | %s |" % (
            label, rate, "%.2f" % (rate / base_rate) if base_rate else "—",
            cpu, "%.2f" % (cpu / base_cpu) if base_cpu else "—", r["wall_s"],
            r["cpu_s"] / r["wall_s"], startup, agg))
    table = "\n".join(lines)

    cpus = {n: r["records"] / r["cpu_s"] for n, r in results.items()}  # records per CPU second

    def ratio(a, b, by):
        return by[a] / by[b] if a in by and b in by else None

    def pct(x):
        return "%.0f%%" % (100 * x) if x is not None else "—"

    def times(x):
        return "%.2f×" % x if x is not None else "—"

    def cost(x):
        return "%.1f%%" % (100 * (1 - x)) if x is not None else "—"

    def met(x, ok):
        return "—" if x is None else ("yes" if ok(x) else "no")

    targets = [
        ("exactly-once + RocksDB vs consume-and-parse floor (b)", "≥ 50%",
         ("sw-eo-rocksdb", BASE), pct, lambda x: x >= 0.5),
        ("exactly-once + RocksDB vs Python consumer (c)", "≥ 5×",
         ("sw-eo-rocksdb", "python"), times, lambda x: x >= 5),
        ("exactly-once + RocksDB vs Kafka Streams (d)", "> 1×",
         ("sw-eo-rocksdb", "kafka-streams"), times, lambda x: x > 1),
        ("cost of exactly-once vs at-least-once", "≤ 5%",
         ("sw-eo-rocksdb", "sw-alo-rocksdb"), cost, lambda x: 1 - x <= 0.05),
    ]
    tlines = ["| target (SPEC §8) | wanted | by records/s | met | by records per CPU second | met |",
              "|---|---|---:|---|---:|---|"]
    for what, want, (a, b), fmt, ok in targets:
        w = ratio(a, b, rates)
        c = ratio(a, b, cpus)
        tlines.append("| %s | %s | %s | %s | %s | %s |" % (
            what, want, fmt(w), met(w, ok), fmt(c), met(c, ok)))
    target_table = "\n".join(tlines)

    sw = [results[n] for n in ("sw-eo-rocksdb", "sw-alo-rocksdb", "sw-eo-hashmap") if n in results]
    commit = ", ".join("%s %.1f s" % (r["name"], r["commit_wait_s"]) for r in sw)
    latency_md, latency_rows = latency_section(results_dir)
    scaling_md, scaling_rows = scaling_section(results_dir)
    cpu_md = cpu_section(results_dir, results)
    target_table += latency_rows + scaling_rows
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(table)
    print()
    print(target_table)

    md = f"""# Benchmarks

Measured by `bench/run` (see the README's "Benchmark" section): every contender reads the same
two input topics of one local broker, one after another, each in its own process.

- **Date:** {now}
- **Machine:** {machine()}
- **Load average** (1, 5, 15 min) before the run: {load_before}; after: {load_after}. The machine
  was shared with other builds and tests, so absolute figures are noisy; ratios come from one run.
- **Command:** `{command}`
{data_set(data)}
{table}

How to read it:
- **records/s** is records over the measured wall time. For the consumers, that is from creating
  the consumer to reaching the end offsets. For Streamwatch, from the job's RUNNING status to the
  moment every window aggregate of the data has been written to its output topic (seen by a
  `read_uncommitted` watcher). Start-up is not in it: the process's time before the measured
  span (for Streamwatch, in brackets, the part from job submission to RUNNING). With exactly-once the aggregates become visible to `read_committed` consumers at the
  next checkpoint; that further wait was: {commit or '—'}.
- **CPU s / 1M records** is the process's CPU time (all threads, user and system) over the same
  span, minus the two watcher threads of Streamwatch and Kafka Streams. **cores used** is CPU time
  over wall time: at most 2 here. A single-threaded consumer can use about 1; a figure well below
  what a contender could use means it waited for the CPU (other load) or for I/O.
- **aggregates vs exact** compares every window aggregate with the exact ones the generator
  computed (per service: total and count per level; per metric name, service and host: count,
  sum, min, max). Streamwatch's are read with `read_committed`.
- The Python consumer does less than Streamwatch: it writes nothing to Kafka, keeps no state
  across restarts, and computes no quantiles, patterns or alerts.
- Kafka Streams computes the Python consumer's aggregates (no quantiles, patterns or alerts) with
  `exactly_once_v2`, RocksDB window stores, `suppress` for final results only, two stream
  threads and 20 minutes of grace (its two input tasks run ahead of each other through the
  repartition topic by more than Streamwatch's 5 s of out-of-orderness); its event time is the record timestamp, which the loader set to the event time.
- Streamwatch runs the full job of `jobs-config/streamwatch.yaml` (both pipelines, DDSketch
  quantiles, top error patterns, the example alert rules) with parallelism 2 in a local
  MiniCluster without web UI, with the managed memory (RocksDB's block cache and write buffers)
  of the TaskManager in `flink-conf/config.yaml`: 512 MB.

## SPEC section 8 targets

Two readings of each ratio: by wall-clock throughput (what the target means, but at the mercy of
the machine's other load while each contender ran) and by records per CPU second (steadier on a
shared machine, and what throughput would be if the contender had both cores to itself and used
them fully).

{target_table}
{cpu_md}{latency_md}{scaling_md}"""
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
