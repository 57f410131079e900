package io.streamwatch.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.streamwatch.cli.LoadedJob;
import io.streamwatch.config.PipelineConfig;
import io.streamwatch.config.PipelineKind;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.formats.RecordDecoder;
import io.streamwatch.formats.RecordOrigin;
import io.streamwatch.tools.SampleRecords;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Decoding alone, in one thread, with no Kafka and no Flink: the bench data's records decoded over
 * and over by Streamwatch's decoder and, side by side in each round, bound by Jackson to records as
 * the java-parse floor does. For quick before/after figures while working on the decoder; the
 * rounds after the first few are steady state.
 *
 * <p>Arguments: {@code CONFIG [both|sw|jackson] [ROUNDS]}; run on the bench classpath, e.g. {@code
 * java -cp target/test-classes:target/classes:$(<target/bench-classpath.txt)
 * io.streamwatch.bench.DecodeLoop jobs-config/streamwatch.yaml}.
 */
public final class DecodeLoop {
    public static void main(String[] args) throws Exception {
        int n = 200_000;
        SampleRecords samples =
                new SampleRecords(
                        List.of(
                                "checkout",
                                "payments",
                                "search",
                                "inventory",
                                "a",
                                "b",
                                "c",
                                "d",
                                "e",
                                "f"),
                        10,
                        List.of(),
                        42L);
        List<byte[]> logs = new ArrayList<>(), metrics = new ArrayList<>();
        long now = System.currentTimeMillis() - 3600_000;
        while (logs.size() + metrics.size() < n) {
            SampleRecords.Sample s = samples.next(now);
            now += 1;
            if (s == null) continue;
            (s.stream() == SampleRecords.Stream.LOGS ? logs : metrics).add(s.value());
        }
        StreamwatchConfig config = LoadedJob.load(Path.of(args[0]), List.of()).config();
        RecordDecoder ld = null, md = null;
        for (PipelineConfig pc : config.pipelines()) {
            RecordDecoder d = RecordDecoder.standalone(pc, config.limits());
            if (pc.kind() == PipelineKind.LOGS) ld = d;
            else md = d;
        }
        ObjectMapper mapper = new ObjectMapper();
        ObjectReader lr = mapper.readerFor(BenchConsume.LogLine.class);
        ObjectReader mr = mapper.readerFor(BenchConsume.MetricLine.class);
        RecordOrigin origin = new RecordOrigin();
        String mode = args.length > 1 ? args[1] : "both";
        for (int round = 0; round < Integer.parseInt(args.length > 2 ? args[2] : "30"); round++) {
            long sum = 0;
            long t0 = System.nanoTime();
            if (!mode.equals("sw")) {
                for (byte[] b : logs)
                    sum += ((BenchConsume.LogLine) lr.readValue(b)).hashCode() & 1;
                for (byte[] b : metrics)
                    sum += ((BenchConsume.MetricLine) mr.readValue(b)).hashCode() & 1;
            }
            long t1 = System.nanoTime();
            if (!mode.equals("jackson")) {
                for (byte[] b : logs) {
                    origin.set("logs", 0, 0, now);
                    sum += ld.decodeAll(b, origin).size();
                }
                for (byte[] b : metrics) {
                    origin.set("metrics", 0, 0, now);
                    sum += md.decodeAll(b, origin).size();
                }
            }
            long t2 = System.nanoTime();
            System.out.printf(
                    "round %d jackson %.0f ns/rec  sw %.0f ns/rec  (%d)%n",
                    round, (t1 - t0) / (double) n, (t2 - t1) / (double) n, sum);
        }
    }
}
