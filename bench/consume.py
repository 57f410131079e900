#!/usr/bin/python3
"""The practice Streamwatch replaces: a hand-written confluent-kafka consumer that keeps
1-minute window aggregates in dicts (per service: count and count per level; per metric name,
service and host: count, sum, min, max). Reads both input topics from the beginning to the end
offsets taken at start, then writes the aggregates in the benchmark's TSV format and a JSON line
with its wall-clock and CPU time (process CPU: Python and librdkafka threads). It does less than
the job (no quantiles, patterns or output): the light peer; consume_full.py is the equal-work one.

Steady state as for every contender: the figures are taken from the moment the share WARMUP of the
input has been consumed to the end; the span before is reported as warm-up.

Usage: consume.py BOOTSTRAP LOGS_TOPIC METRICS_TOPIC OUT_DIR [NAME [WARMUP [RUN]]]
"""
import json
import math
import os
import sys
import time
from datetime import datetime

from confluent_kafka import Consumer, TopicPartition, OFFSET_BEGINNING

SENTINEL = "zz-bench-sentinel"
LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"]
BATCH = 10000

# Tuned so that the consumer is not the limit: librdkafka prefetches large batches from every
# partition into its queue while Python works (with the defaults the peer sat at half a core).
CONSUMER = {
    "enable.auto.commit": False,
    "isolation.level": "read_committed",
    "fetch.max.bytes": 104857600,
    "receive.message.max.bytes": 105906176,
    "max.partition.fetch.bytes": 16777216,
    "fetch.wait.max.ms": 10,
    "queued.min.messages": 1000000,
    "queued.max.messages.kbytes": 1048576,
}
# For experiments: more or other settings as JSON, e.g. SW_BENCH_PY_CONSUMER='{"fetch.wait.max.ms": 500}'.
CONSUMER.update(json.loads(os.environ.get("SW_BENCH_PY_CONSUMER", "{}")))
BATCH = int(os.environ.get("SW_BENCH_PY_BATCH", BATCH))


def startup_seconds():
    """From the process's start (interpreter, imports) to now."""
    with open("/proc/self/stat") as f:
        start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime") as f:
        uptime = float(f.read().split()[0])
    return uptime - start_ticks / os.sysconf("SC_CLK_TCK")


class Span:
    """Wall and process CPU (all threads: Python's and librdkafka's) of the warm-up span (start to
    mark) and the steady span (mark to stop)."""

    def __init__(self):
        self.t = [time.perf_counter()]
        self.c = [time.process_time()]
        self.mark_records = None

    def mark(self, records):
        if self.mark_records is None:
            self.mark_records = records
            self.t.append(time.perf_counter())
            self.c.append(time.process_time())

    def stop(self):
        self.mark(0)
        self.t.append(time.perf_counter())
        self.c.append(time.process_time())

    def result(self, name, records, startup, **extra):
        r = {"name": name, "records": records - self.mark_records,
             "wall_s": round(self.t[2] - self.t[1], 3), "cpu_s": round(self.c[2] - self.c[1], 3),
             "startup_s": round(startup, 3), "warmup_records": self.mark_records,
             "warmup_wall_s": round(self.t[1] - self.t[0], 3),
             "warmup_cpu_s": round(self.c[1] - self.c[0], 3), "total_records": records}
        r.update(extra)
        return r


def main():
    startup = startup_seconds()
    bootstrap, logs_topic, metrics_topic, out = sys.argv[1:5]
    name = sys.argv[5] if len(sys.argv) > 5 else "python"
    warmup = float(sys.argv[6]) if len(sys.argv) > 6 else 0.0
    span = Span()
    consumer = Consumer(dict(CONSUMER, **{
        "bootstrap.servers": bootstrap,
        "group.id": "bench-%s-%d" % (name, time.time_ns()),
    }))
    parts = []
    end = {}
    for topic in (logs_topic, metrics_topic):
        meta = consumer.list_topics(topic, timeout=30).topics[topic]
        for p in meta.partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=30)
            if high > 0:
                end[(topic, p)] = high
            parts.append(TopicPartition(topic, p, OFFSET_BEGINNING))
    consumer.assign(parts)
    warmup_records = math.ceil(warmup * sum(end.values()))
    if warmup_records == 0:
        span.mark(0)

    logs = {}      # (window, service) -> [total, per level...]
    metrics = {}   # (window, name, service, host) -> [count, sum, min, max]
    records = 0
    waited = 0.0  # time consume() blocked (wall minus this thread's CPU): the client was behind
    deadline = time.monotonic() + 1800
    loads = json.loads
    fromiso = datetime.fromisoformat
    while end:
        if time.monotonic() > deadline:
            raise SystemExit("not at the end after 30 minutes: %r" % end)
        if records >= warmup_records and span.mark_records is None:
            span.mark(records)
            waited = 0.0
        t, c = time.perf_counter(), time.thread_time()
        batch = consumer.consume(num_messages=BATCH, timeout=0.5)
        waited += time.perf_counter() - t - (time.thread_time() - c)
        for msg in batch:
            if msg.error():
                raise SystemExit(str(msg.error()))
            records += 1
            topic = msg.topic()
            key = (topic, msg.partition())
            if msg.offset() + 1 >= end.get(key, 1 << 62):
                del end[key]
            d = loads(msg.value())
            service = d["service"]
            if service == SENTINEL:
                continue
            if topic == logs_topic:
                ts = int(fromiso(d["timestamp"]).timestamp() * 1000)
                k = (ts // 60000 * 60000, service)
                agg = logs.get(k)
                if agg is None:
                    agg = logs[k] = [0] * (len(LEVELS) + 1)
                agg[0] += 1
                agg[1 + LEVELS.index(d["level"])] += 1
            else:
                ts = d["timestamp"]
                v = float(d["value"])
                k = (ts // 60000 * 60000, d["name"], service, d["host"])
                agg = metrics.get(k)
                if agg is None:
                    metrics[k] = [1, v, v, v]
                else:
                    agg[0] += 1
                    agg[1] += v
                    if v < agg[2]:
                        agg[2] = v
                    if v > agg[3]:
                        agg[3] = v
    span.stop()
    consumer.close()
    with open("%s/%s.tsv" % (out, name), "w") as f:
        for (w, service), agg in sorted(logs.items()):
            levels = ",".join("%s=%d" % (LEVELS[i], n) for i, n in enumerate(agg[1:]) if n)
            f.write("L\t%d\t%s\t%d\t%s\n" % (w, service, agg[0], levels))
        for (w, n, s, h), agg in sorted(metrics.items()):
            f.write("M\t%d\t%s|%s|%s\t%d\t%r\t%r\t%r\n" % (w, n, s, h, agg[0], agg[1], agg[2], agg[3]))
    result = span.result(name, records, startup, aggregates=len(logs) + len(metrics),
                         consume_wait_s=round(waited, 3))
    with open("%s/%s.json" % (out, name), "w") as f:
        f.write(json.dumps(result) + "\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
