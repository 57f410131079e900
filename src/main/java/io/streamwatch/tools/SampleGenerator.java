package io.streamwatch.tools;

import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Produces a steady stream of realistic sample logs and metrics into Kafka, with a malformed record
 * now and then, so the playground (and anyone trying Streamwatch) has live input without shipping
 * their own. The records themselves come from {@link SampleRecords}; this class only paces and
 * sends them.
 */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = "Sends sample log events and metric points (SPEC section 2 format) to Kafka.")
public final class SampleGenerator implements Callable<Integer> {

    @Option(
            names = "--bootstrap-servers",
            defaultValue = "127.0.0.1:19092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(
            names = "--logs-topic",
            defaultValue = "logs",
            description = "Topic for log events (default: ${DEFAULT-VALUE}).")
    String logsTopic;

    @Option(
            names = "--metrics-topic",
            defaultValue = "metrics",
            description = "Topic for metric points (default: ${DEFAULT-VALUE}).")
    String metricsTopic;

    @Option(
            names = "--rate",
            defaultValue = "200",
            description =
                    "Records per second, logs and metrics together (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--services",
            split = ",",
            defaultValue = "checkout,payments,search,inventory",
            description = "Service names (default: ${DEFAULT-VALUE}).")
    List<String> services;

    @Option(
            names = "--hosts-per-service",
            defaultValue = "2",
            description = "Hosts per service, named <service>-<n> (default: ${DEFAULT-VALUE}).")
    int hostsPerService;

    @Option(
            names = "--duration",
            converter = DurationConverter.class,
            description = "Stop after this long, e.g. 90s or 5m (default: run until stopped).")
    Duration duration;

    @Option(
            names = "--bad-every",
            defaultValue = "500",
            description =
                    "Send an unusable record (malformed JSON, missing timestamp, NaN value, non-UTF-8)"
                            + " every N records; 0 = never (default: ${DEFAULT-VALUE}).")
    long badEvery;

    @Option(
            names = "--incidents",
            arity = "0..1",
            defaultValue = Scenario.DEFAULT,
            fallbackValue = Scenario.DEFAULT,
            paramLabel = "SCENARIO",
            description =
                    "Inject incidents that the example rules catch (on by default): '"
                            + Scenario.DEFAULT
                            + "' cycles through an error spike, a latency spike, a new error"
                            + " message, a silent host and a request burst; a single kind runs"
                            + " alone: error-spike, latency-spike, new-error, host-silent,"
                            + " request-burst (default: ${DEFAULT-VALUE}).")
    String scenarioName;

    @Option(names = "--no-incidents", description = "Steady state only: no incidents.")
    boolean noIncidents;

    @Option(
            names = "--incident-period",
            defaultValue = "12m",
            converter = DurationConverter.class,
            description =
                    "How often the scenario repeats; whole minutes, at least 6m. Shorter shows"
                            + " every alert sooner (default: ${DEFAULT-VALUE}).")
    Duration incidentPeriod;

    @Option(
            names = "--seed",
            description = "Random seed, for a reproducible sequence (default: time based).")
    Long seed;

    @Option(
            names = "--progress-interval",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "How often to print what was sent (default: ${DEFAULT-VALUE}).")
    Duration progressInterval;

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private volatile boolean running = true;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SampleGenerator()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (rate <= 0 || hostsPerService < 1 || badEvery < 0 || services.isEmpty()) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this),
                    "--rate must be > 0, --hosts-per-service >= 1, --bad-every >= 0");
        }
        Scenario scenario;
        try {
            scenario =
                    noIncidents
                            ? null
                            : Scenario.named(
                                    scenarioName,
                                    System.currentTimeMillis(),
                                    incidentPeriod,
                                    services,
                                    hostsPerService);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        SampleRecords records =
                new SampleRecords(
                        services,
                        hostsPerService,
                        scenario != null ? scenario : IncidentSchedule.NONE,
                        seed != null ? seed : System.nanoTime());
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook =
                new Thread(
                        () -> {
                            // SIGTERM / Ctrl-C: stop sending and let the loop (which sleeps at
                            // most 50 ms) flush and close the producer, so nothing sent is lost.
                            running = false;
                            try {
                                finished.await(10, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "generator-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProperties())) {
            // Fetch both topics' metadata before the clock starts, so the first second is not
            // spent blocked in send() and then skipped as "behind".
            producer.partitionsFor(logsTopic);
            producer.partitionsFor(metricsTopic);
            run(records, scenario, producer);
        } finally {
            finished.countDown();
        }
        return failed.get() == 0 ? 0 : 1;
    }

    private final AtomicLong failed = new AtomicLong();

    private void run(
            SampleRecords records, Scenario scenario, KafkaProducer<String, byte[]> producer) {
        long startNanos = System.nanoTime();
        long endNanos = duration == null ? Long.MAX_VALUE : startNanos + duration.toNanos();
        long progressNanos = progressInterval.toNanos();
        long nextProgress = startNanos + progressNanos;
        long sent = 0;
        long[] perStream = new long[3]; // logs, metrics, bad
        long skippedSlots = 0;
        System.out.printf(
                "generate: %s hosts (%s) -> %s, %s at %.0f records/s%s%n",
                services.size() * hostsPerService,
                String.join(",", services),
                logsTopic,
                metricsTopic,
                rate,
                duration == null ? "" : " for " + duration);
        IncidentLog incidentLog = scenario == null ? null : new IncidentLog(scenario, System.err);
        if (incidentLog != null) {
            incidentLog.printTimeline();
        }
        while (running) {
            long now = System.nanoTime();
            if (now >= endNanos) {
                break;
            }
            if (incidentLog != null) {
                incidentLog.update(System.currentTimeMillis());
            }
            long due = (long) ((now - startNanos) / 1e9 * rate);
            if (due - sent > rate) {
                // Fell behind by more than a second (paused, broker stalled): skip instead of
                // bursting, so event times stay close to the wall clock.
                skippedSlots += due - sent - (long) rate;
                sent = due - (long) rate;
            }
            long wallMillis = System.currentTimeMillis();
            while (sent < due && running) {
                sent++;
                boolean bad = badEvery > 0 && sent % badEvery == 0;
                SampleRecords.Sample sample =
                        bad ? records.nextBad(wallMillis) : records.next(wallMillis);
                if (sample == null) {
                    continue; // a silenced host: nothing to send for this slot
                }
                String topic =
                        sample.stream() == SampleRecords.Stream.LOGS ? logsTopic : metricsTopic;
                perStream[sample.bad() ? 2 : sample.stream().ordinal()]++;
                producer.send(
                        new ProducerRecord<>(topic, sample.key(), sample.value()),
                        (metadata, error) -> {
                            if (error != null && failed.getAndIncrement() < 5) {
                                System.err.println("generate: send failed: " + error);
                            }
                        });
            }
            if (now >= nextProgress) {
                nextProgress += progressNanos;
                System.out.printf(
                        "%s generate: sent %d logs, %d metrics, %d bad; %d failed%s%n",
                        LocalTime.now().format(CLOCK),
                        perStream[0],
                        perStream[1],
                        perStream[2],
                        failed.get(),
                        skippedSlots > 0 ? "; skipped " + skippedSlots + " slots (behind)" : "");
            }
            // Wake up often enough that each batch is small and event times stay smooth.
            long nextDue = startNanos + (long) ((sent + 1) * 1e9 / rate);
            long sleepMillis = Math.max(1, Math.min(50, (nextDue - System.nanoTime()) / 1_000_000));
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        producer.flush();
        System.out.printf(
                "generate: done: %d logs, %d metrics, %d bad; %d failed%n",
                perStream[0], perStream[1], perStream[2], failed.get());
    }

    private Properties producerProperties() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "streamwatch-generator");
        return props;
    }
}
