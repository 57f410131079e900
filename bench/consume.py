#!/usr/bin/python3
"""The practice Streamwatch replaces: a hand-written confluent-kafka consumer that keeps
1-minute window aggregates in dicts (per service: count and count per level; per metric name,
service and host: count, sum, min, max). Reads both input topics from the beginning to the end
offsets taken at start, then writes the aggregates in the benchmark's TSV format and a JSON line
with its wall-clock and CPU time (process CPU: Python and librdkafka threads).

Usage: consume.py BOOTSTRAP LOGS_TOPIC METRICS_TOPIC OUT_DIR [NAME]
"""
import json
import sys
import time
from datetime import datetime

from confluent_kafka import Consumer, TopicPartition, OFFSET_BEGINNING

SENTINEL = "zz-bench-sentinel"
LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"]


def main():
    # Start-up: from the process's start (interpreter, imports) to here.
    with open("/proc/self/stat") as f:
        start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime") as f:
        uptime = float(f.read().split()[0])
    import os
    startup = uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    bootstrap, logs_topic, metrics_topic, out = sys.argv[1:5]
    name = sys.argv[5] if len(sys.argv) > 5 else "python"
    wall0 = time.perf_counter()
    cpu0 = time.process_time()
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": "bench-python-%d" % time.time_ns(),
        "enable.auto.commit": False,
        "isolation.level": "read_committed",
        "fetch.max.bytes": 52428800,
        "queued.max.messages.kbytes": 262144,
    })
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

    logs = {}      # (window, service) -> [total, per level...]
    metrics = {}   # (window, name, service, host) -> [count, sum, min, max]
    records = 0
    deadline = time.monotonic() + 1800
    loads = json.loads
    fromiso = datetime.fromisoformat
    while end:
        if time.monotonic() > deadline:
            raise SystemExit("not at the end after 30 minutes: %r" % end)
        for msg in consumer.consume(num_messages=1000, timeout=0.5):
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
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0
    consumer.close()
    with open("%s/%s.tsv" % (out, name), "w") as f:
        for (w, service), agg in sorted(logs.items()):
            levels = ",".join("%s=%d" % (LEVELS[i], n) for i, n in enumerate(agg[1:]) if n)
            f.write("L\t%d\t%s\t%d\t%s\n" % (w, service, agg[0], levels))
        for (w, n, s, h), agg in sorted(metrics.items()):
            f.write("M\t%d\t%s|%s|%s\t%d\t%r\t%r\t%r\n" % (w, n, s, h, agg[0], agg[1], agg[2], agg[3]))
    result = {"name": name, "records": records, "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
              "startup_s": round(startup, 3),
              "aggregates": len(logs) + len(metrics)}
    with open("%s/%s.json" % (out, name), "w") as f:
        f.write(json.dumps(result) + "\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
