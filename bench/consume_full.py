#!/usr/bin/python3
"""The equal-work Python peer: a hand-written confluent-kafka consumer computing every field the
job writes, as a competent Python engineer would write it, with its aggregates written to Kafka.

- Log windows (1 minute) per service: total, count per level, error ratio ((ERROR + FATAL) /
  total), the top 5 patterns of the ERROR/FATAL messages (the message with numbers, ids, IPs, hex,
  UUIDs, durations and quoted strings masked by regular expressions) with count and one example.
- Metric windows (1 minute) per metric name, service and host: count, sum, min, max, mean and the
  lower quantiles p50/p90/p95/p99 (the value at rank floor(q * (count - 1)) of the sorted values,
  as the job's sketch defines them; exact here, the values of a key's window are kept in a list).
- Windows close on the watermark as the job's do: per pipeline, the lowest over the input
  partitions of the highest event time seen, minus the out-of-orderness (5 s) and 1 ms. Records
  of a window that has closed are late and counted apart. Open windows are a dict per window
  start, their ends in a heap; a record touches only its own window.
- Each aggregate is written as JSON (the job's fields) to the peer's own output topics with a
  confluent-kafka Producer; the clock stops once every aggregate has been delivered (flush).

After the measured run it reads its output topics back and writes them in the benchmark's TSV
formats (<name>.tsv, <name>.extra.tsv) for report.py to check, outside the measured span.

Usage: consume_full.py BOOTSTRAP LOGS_TOPIC METRICS_TOPIC OUT_DIR [NAME [WARMUP [RUN]]]
"""
import heapq
import json
import math
import re
import sys
import time
from datetime import datetime, timezone

from confluent_kafka import Consumer, Producer, TopicPartition, OFFSET_BEGINNING
from confluent_kafka.admin import AdminClient, NewTopic

from consume import BATCH, CONSUMER, LEVELS, SENTINEL, Span, startup_seconds

WINDOW = 60000
OUT_OF_ORDERNESS = 5000
TOP = 5
QUANTILES = (0.5, 0.9, 0.95, 0.99)
ERROR_LEVELS = ("ERROR", "FATAL")
LEVEL_INDEX = {level: i for i, level in enumerate(LEVELS)}

# Variable parts of a message, most specific first.
MASKS = [
    (re.compile(r"\"[^\"]*\"|'[^']*'"), "<STR>"),
    (re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"),
     "<UUID>"),
    (re.compile(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?::\d+)?\b"), "<IP>"),
    (re.compile(r"\b0x[0-9a-fA-F]+\b|\b(?=[0-9a-fA-F]*\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{8,}\b"),
     "<HEX>"),
    (re.compile(r"\b\d+(?:\.\d+)?(?:ns|us|ms|s|m|h)\b"), "<DURATION>"),
    (re.compile(r"\b(?=\w*\d\w*\d)(?=\w*[A-Za-z])\w+\b"), "<ID>"),
    (re.compile(r"-?\b\d+(?:\.\d+)?\b"), "<NUM>"),
]


def mask(message):
    """A message's pattern: its variable parts replaced by placeholders."""
    for regex, placeholder in MASKS:
        message = regex.sub(placeholder, message)
    return message


def iso(ms):
    return datetime.fromtimestamp(ms / 1000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def quantile(values, q):
    """The lower quantile of sorted values: rank floor(q * (n - 1))."""
    return values[int(q * (len(values) - 1))]


class Pipeline:
    """One input topic's windows: {window start: {group: aggregate}}, the window ends in a heap,
    and the watermark from the highest event time per partition."""

    def __init__(self, partitions):
        self.windows = {}
        self.ends = []
        self.max_ts = {p: -(1 << 62) for p in partitions}
        self.watermark = -(1 << 62)
        self.late = 0

    def window(self, ts):
        """The open window of event time ts, or None when it has closed (a late record)."""
        start = ts - ts % WINDOW
        groups = self.windows.get(start)
        if groups is None:
            if start + WINDOW - 1 <= self.watermark:
                self.late += 1
                return None
            groups = self.windows[start] = {}
            heapq.heappush(self.ends, start + WINDOW)
        return groups

    def advance(self, partition, ts):
        """Raises the partition's highest event time; returns the windows that close, if any."""
        if ts <= self.max_ts[partition]:
            return ()
        self.max_ts[partition] = ts
        wm = min(self.max_ts.values()) - OUT_OF_ORDERNESS - 1
        if wm <= self.watermark:
            return ()
        self.watermark = wm
        closed = []
        while self.ends and self.ends[0] - 1 <= wm:
            end = heapq.heappop(self.ends)
            closed.append((end - WINDOW, self.windows.pop(end - WINDOW)))
        return closed


def log_json(start, service, agg, pipeline="app-logs"):
    total = agg[0]
    levels = {LEVELS[i]: n for i, n in enumerate(agg[1:7]) if n}
    errors = agg[5] + agg[6]
    top = sorted(agg[7].items(), key=lambda kv: -kv[1][0])[:TOP]
    return json.dumps({
        "type": "log_aggregate", "pipeline": pipeline, "group": {"service": service},
        "window_start": iso(start), "window_end": iso(start + WINDOW), "total": total,
        "levels": levels, "error_ratio": errors / total if total else 0.0,
        "top_patterns": [{"pattern": p, "count": c, "example": e} for p, (c, e) in top],
    }, separators=(",", ":"))


def metric_json(start, key, values, pipeline="app-metrics"):
    name, service, host = key
    n = len(values)
    total = sum(values)
    values.sort()
    return json.dumps({
        "type": "metric_aggregate", "pipeline": pipeline, "name": name,
        "group": {"service": service, "host": host}, "window_start": iso(start),
        "window_end": iso(start + WINDOW), "count": n, "sum": total, "min": values[0],
        "max": values[-1], "mean": total / n, "p50": quantile(values, 0.5),
        "p90": quantile(values, 0.9), "p95": quantile(values, 0.95),
        "p99": quantile(values, 0.99),
    }, separators=(",", ":"))


def main():
    startup = startup_seconds()
    bootstrap, logs_topic, metrics_topic, out = sys.argv[1:5]
    name = sys.argv[5] if len(sys.argv) > 5 else "python-full"
    warmup = float(sys.argv[6]) if len(sys.argv) > 6 else 0.0
    run = sys.argv[7] if len(sys.argv) > 7 else str(int(time.time()))
    prefix = "bench.%s.%s." % (run, name)
    logs_out, metrics_out = prefix + "log-aggregates", prefix + "metric-aggregates"
    admin = AdminClient({"bootstrap.servers": bootstrap})
    for f in admin.create_topics([NewTopic(t, 1, 1) for t in (logs_out, metrics_out)]).values():
        f.result(30)

    span = Span()
    consumer = Consumer(dict(CONSUMER, **{
        "bootstrap.servers": bootstrap,
        "group.id": "bench-%s-%d" % (name, time.time_ns()),
    }))
    producer = Producer({
        "bootstrap.servers": bootstrap,
        "linger.ms": 20,
        "batch.num.messages": 10000,
        "queue.buffering.max.messages": 1000000,
        "enable.idempotence": True,
    })
    parts = []
    end = {}
    pipelines = {}
    for topic in (logs_topic, metrics_topic):
        meta = consumer.list_topics(topic, timeout=30).topics[topic]
        live = []
        for p in meta.partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=30)
            if high > 0:
                end[(topic, p)] = high
                live.append(p)
            parts.append(TopicPartition(topic, p, OFFSET_BEGINNING))
        pipelines[topic] = Pipeline(live)
    consumer.assign(parts)
    warmup_records = math.ceil(warmup * sum(end.values()))
    if warmup_records == 0:
        span.mark(0)
    logs, metrics = pipelines[logs_topic], pipelines[metrics_topic]

    produce = producer.produce
    poll = producer.poll
    loads = json.loads
    fromiso = datetime.fromisoformat
    level_index = LEVEL_INDEX
    written = 0
    records = 0
    waited = 0.0  # time consume() blocked (wall minus this thread's CPU): the client was behind
    deadline = time.monotonic() + 1800

    def emit(topic, closed):
        nonlocal written
        for start, groups in closed:
            for key, agg in groups.items():
                if topic is logs_out:
                    produce(logs_out, log_json(start, key, agg), key)
                else:
                    produce(metrics_out, metric_json(start, key, agg), "|".join(key))
                written += 1
            poll(0)

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
            partition = msg.partition()
            if msg.offset() + 1 >= end.get((topic, partition), 1 << 62):
                del end[(topic, partition)]
            d = loads(msg.value())
            service = d["service"]
            if topic == logs_topic:
                ts = int(fromiso(d["timestamp"]).timestamp() * 1000)
                if service != SENTINEL:
                    groups = logs.window(ts)
                    if groups is not None:
                        agg = groups.get(service)
                        if agg is None:
                            agg = groups[service] = [0, 0, 0, 0, 0, 0, 0, {}]
                        agg[0] += 1
                        level = d["level"]
                        agg[1 + level_index[level]] += 1
                        if level in ERROR_LEVELS:
                            message = d["message"]
                            pattern = mask(message)
                            p = agg[7].get(pattern)
                            if p is None:
                                agg[7][pattern] = [1, message]
                            else:
                                p[0] += 1
                closed = logs.advance(partition, ts)
                if closed:
                    emit(logs_out, closed)
            else:
                ts = d["timestamp"]
                if service != SENTINEL:
                    groups = metrics.window(ts)
                    if groups is not None:
                        key = (d["name"], service, d["host"])
                        values = groups.get(key)
                        if values is None:
                            groups[key] = [float(d["value"])]
                        else:
                            values.append(float(d["value"]))
                closed = metrics.advance(partition, ts)
                if closed:
                    emit(metrics_out, closed)
        if batch:
            poll(0)
    remaining = producer.flush(120)
    span.stop()
    consumer.close()
    if remaining:
        raise SystemExit("%d aggregates not delivered" % remaining)
    result = span.result(name, records, startup, aggregates=written,
                         late=logs.late + metrics.late, consume_wait_s=round(waited, 3),
                         open_windows=len(logs.windows) + len(metrics.windows))
    read_back(bootstrap, (logs_out, metrics_out), written, out, name)
    with open("%s/%s.json" % (out, name), "w") as f:
        f.write(json.dumps(result) + "\n")
    print(json.dumps(result))


def read_back(bootstrap, topics, expected, out, name):
    """Reads the written aggregates back (read_committed) into <name>.tsv (as expected.tsv) and
    <name>.extra.tsv (quantiles, error ratio and top patterns), the files report.py checks."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "bench-read-back-%d" % time.time_ns(),
                         "enable.auto.commit": False, "isolation.level": "read_committed"})
    consumer.assign([TopicPartition(t, 0, OFFSET_BEGINNING) for t in topics])
    values = []
    deadline = time.monotonic() + 120
    while len(values) < expected and time.monotonic() < deadline:
        for msg in consumer.consume(num_messages=BATCH, timeout=0.5):
            if not msg.error():
                values.append(json.loads(msg.value()))
    consumer.close()
    rows, extra = aggregate_rows(values)
    with open("%s/%s.tsv" % (out, name), "w") as f:
        f.writelines(line + "\n" for line in sorted(rows))
    with open("%s/%s.extra.tsv" % (out, name), "w") as f:
        f.writelines(line + "\n" for line in sorted(extra))


def aggregate_rows(values):
    """Aggregates (the job's JSON) as rows of expected.tsv and of expected-extra.tsv."""
    rows, extra = [], []
    for n in values:
        start = int(datetime.fromisoformat(n["window_start"].replace("Z", "+00:00")).timestamp() * 1000)
        g = n["group"]
        if n["type"] == "log_aggregate":
            levels = ",".join("%s=%d" % (l, n["levels"][l]) for l in LEVELS if n["levels"].get(l))
            rows.append("L\t%d\t%s\t%d\t%s" % (start, g["service"], n["total"], levels))
            top = [[p["pattern"], p["count"], p["example"]] for p in n["top_patterns"]]
            extra.append("E\t%d\t%s\t%r\t%s" % (start, g["service"], n["error_ratio"], json.dumps(top)))
        else:
            key = "%s|%s|%s" % (n["name"], g["service"], g["host"])
            rows.append("M\t%d\t%s\t%d\t%r\t%r\t%r" % (start, key, n["count"], n["sum"], n["min"], n["max"]))
            extra.append("Q\t%d\t%s\t%r\t%r\t%r\t%r\t%r" % (
                start, key, n["mean"], n["p50"], n["p90"], n["p95"], n["p99"]))
    return rows, extra


if __name__ == "__main__":
    main()
