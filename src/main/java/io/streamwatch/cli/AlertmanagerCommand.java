package io.streamwatch.cli;

import io.streamwatch.alertmanager.AlertmanagerBridge;
import io.streamwatch.alertmanager.BridgeLog;
import io.streamwatch.config.ConfigException;
import io.streamwatch.config.ConfigLoader;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.tools.DurationConverter;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code streamwatch alertmanager --url URL}: the bridge from the alerts topic to Alertmanager
 * ({@link AlertmanagerBridge}), so the job's alerts are routed, grouped, silenced and notified like
 * every other alert of its users. A process of its own, not a sink of the job: Alertmanager wants
 * the firing alerts re-sent every minute or so, which is wall-clock work a checkpointed
 * exactly-once sink has no business doing, and an Alertmanager that is down must not hold back the
 * job's checkpoints.
 */
@Command(
        name = "alertmanager",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        abbreviateSynopsis = true,
        sortOptions = false,
        usageHelpWidth = 100,
        description = {
            "Keeps Prometheus Alertmanager in step with the alerts topic: reads it read_committed,"
                    + " POSTs every firing alert to <url>/api/v2/alerts of each --url with its"
                    + " labels, annotations, startsAt and a generatorURL to the job in the Flink"
                    + " web UI, re-sends the firing alerts every --resend-interval (Alertmanager"
                    + " resolves what is not re-sent within its resolve_timeout), and sends endsAt"
                    + " when an alert resolves. At start it rebuilds the firing set from the"
                    + " whole topic and re-sends it with the original startsAt, which"
                    + " Alertmanager merges into the alerts it has: no second notification.",
            "",
            "The Kafka connection (bootstrap servers, kafka.properties, secrets) and the alerts"
                    + " topic come from the job configuration, as for the job; the options below"
                    + " override them."
        },
        footerHeading = "%n",
        footer = {
            "Also takes every option of the job (see streamwatch --help), e.g. --set and"
                    + " --kafka.<property> VALUE for client settings such as"
                    + " --kafka.security.protocol SASL_SSL.",
            "generatorURL: <flink-url>/#/job/running/<job id>/overview, the job id from --job-id"
                    + " or looked up at <flink-url>/jobs/overview (the newest RUNNING job named"
                    + " --job-name) at start and at every re-send; <flink-url>/#/job/running"
                    + " while there is none."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped (Ctrl-C, SIGTERM)", "2:bad arguments or configuration"})
public class AlertmanagerCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--url",
            required = true,
            paramLabel = "URL",
            description =
                    "An Alertmanager's base URL, e.g. http://localhost:9093. Repeatable: give"
                            + " every instance of an HA pair; each gets every alert, one that is"
                            + " down is retried without holding back the others.")
    List<String> urls = new ArrayList<>();

    @Option(
            names = "--resend-interval",
            paramLabel = "DURATION",
            defaultValue = "60s",
            converter = DurationConverter.class,
            description =
                    "How often every firing alert is sent again; keep it well inside"
                            + " Alertmanager's resolve_timeout (5m by default) (default:"
                            + " ${DEFAULT-VALUE}).")
    Duration resendInterval;

    @Option(
            names = "--max-backoff",
            paramLabel = "DURATION",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description =
                    "Longest wait between two attempts at an Alertmanager that fails; the wait"
                            + " starts at 1s and doubles (default: ${DEFAULT-VALUE}).")
    Duration maxBackoff;

    @Option(
            names = "--request-timeout",
            paramLabel = "DURATION",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Timeout of one POST to Alertmanager (default: ${DEFAULT-VALUE}).")
    Duration requestTimeout;

    @Option(
            names = "--flink-url",
            paramLabel = "URL",
            defaultValue = "http://localhost:8081",
            description = {
                "The Flink web UI, for the alerts' generatorURL; default:",
                "${DEFAULT-VALUE}"
            })
    String flinkUrl;

    @Option(
            names = "--job-id",
            paramLabel = "ID",
            description =
                    "The job's id for generatorURL; without it the bridge looks the job up by"
                            + " --job-name in Flink's REST API.")
    String jobId;

    @Option(
            names = "--job-name",
            paramLabel = "NAME",
            defaultValue = "Streamwatch",
            description = "The job's name in Flink, for the lookup (default: ${DEFAULT-VALUE}).")
    String jobName;

    @Mixin ConfigOptions options;

    // The --kafka.<property> VALUE pairs; ConfigOptions parses them.
    @Unmatched List<String> kafkaArguments;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        options.warnAboutLiteralSecrets(err);
        for (String url : urls) {
            URI u;
            try {
                u = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(
                        spec.commandLine(), "--url " + url + ": " + e.getMessage());
            }
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())
                    || u.getHost() == null) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--url must be an http(s) URL such as http://localhost:9093, not " + url);
            }
        }
        if (resendInterval.isZero() || resendInterval.isNegative()) {
            throw new ParameterException(spec.commandLine(), "--resend-interval must be positive");
        }
        StreamwatchConfig config;
        try {
            config = ConfigLoader.load(options.config(), options.overrides());
        } catch (ConfigException e) {
            err.println("the configuration has problems:");
            e.problems().forEach(err::println);
            err.flush();
            return 2;
        }
        AlertmanagerBridge bridge =
                new AlertmanagerBridge(
                        new AlertmanagerBridge.Settings(
                                config.kafka().bootstrapServers(),
                                config.kafka().properties(),
                                config.alerts().topic(),
                                urls,
                                resendInterval,
                                maxBackoff,
                                requestTimeout,
                                flinkUrl,
                                jobId,
                                jobName),
                        new BridgeLog(out, err));
        Thread shutdown = new Thread(bridge::close, "alertmanager-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        bridge.run();
        return 0;
    }
}
