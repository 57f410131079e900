package io.streamwatch.alerts;

import io.streamwatch.config.PipelineKind;
import io.streamwatch.records.Level;
import io.streamwatch.rules.AggregateSchema;
import io.streamwatch.rules.CompiledRule;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.state.MapState;

/**
 * A threshold or anomaly rule with {@code over}: each aggregate of a key is evaluated as the merge
 * of the key's windows in the span {@code over} that ends with its window, without a second
 * pipeline. The rule of the kind ({@code inner}) gets the span's figures as the aggregate's
 * variables, and does the rest as it would for one window; the window, its group and the lifecycle
 * ({@code for}, {@code resolve_after}) are the evaluating window's.
 *
 * <p>Merged exactly: a log aggregate's {@code total} and level counts (summed) and its {@code
 * error_ratio} (errors over total of the span); a metric's {@code count} and {@code sum} (summed),
 * {@code min}, {@code max}, and {@code mean} (sum over count of the span). Quantiles do not merge
 * and such rules may not name them ({@link io.streamwatch.rules.RuleLoader}). A key is evaluated
 * once it has been watched for a whole span (its first window starting at least {@code over} before
 * the evaluated window's end); windows without data add nothing.
 *
 * <p>Keeps per key and metric name, beside what the inner rule keeps, the span's windows in keyed
 * state {@code rule-spans} ({@link SpanWindows}, entry {@code rule SEP name}).
 */
final class SpanRule implements RuleKindEvaluator {
    private static final String[] LOG_FIGURES = logFigures();

    /** Per log figure: whether it counts errors (ERROR, FATAL). */
    private static final boolean[] ERROR_FIGURES = errorFigures();

    private static final String[] METRIC_FIGURES = {"count", "sum", "min", "max"};
    private static final SpanWindows.Merge[] METRIC_MERGES = {
        SpanWindows.Merge.SUM, SpanWindows.Merge.SUM, SpanWindows.Merge.MIN, SpanWindows.Merge.MAX
    };

    private final RuleKindEvaluator inner;
    private final MapState<String, byte[]> spans;
    private final long over;
    private final boolean logs;
    private final String[] names;
    private final SpanWindows windows;

    // Reused for each aggregate: the window's figures, the span's, and the span's variables.
    private final double[] figures;
    private final double[] merged;
    private final Map<String, Object> vars = new HashMap<>(64);

    /**
     * @param windowSize the pipeline's (tumbling) window in ms; {@code over} is a multiple of it
     */
    SpanRule(
            RuleKindEvaluator inner,
            MapState<String, byte[]> spans,
            PipelineKind kind,
            long windowSize) {
        this.inner = inner;
        this.spans = spans;
        this.over = inner.rule().definition().over().toMillis();
        this.logs = kind == PipelineKind.LOGS;
        this.names = logs ? LOG_FIGURES : METRIC_FIGURES;
        SpanWindows.Merge[] merges = logs ? sums(names.length) : METRIC_MERGES;
        this.windows = new SpanWindows(over, (int) (over / windowSize), merges);
        this.figures = new double[names.length];
        this.merged = new double[names.length];
    }

    @Override
    public CompiledRule rule() {
        return inner.rule();
    }

    @Override
    public void onAggregate(Observation o, Map<String, Object> windowVars, KeyContext k)
            throws Exception {
        String key = AlertStore.stateKey(rule().name(), o.name == null ? "" : o.name);
        windows.read(spans.get(key));
        for (int j = 0; j < names.length; j++) {
            Double x = o.numbers.get(names[j]);
            figures[j] = x == null ? 0 : x;
        }
        boolean inSpan = windows.add(o.windowStart, o.windowEnd, figures);
        spans.put(key, windows.write());
        if (!inSpan || o.windowEnd - windows.firstStart() < over) {
            // The key has not been watched for a whole span yet, or the window is a late update
            // of one that left the span.
            return;
        }
        windows.merge(o.windowEnd - over, o.windowEnd, merged);
        vars.clear();
        vars.putAll(windowVars);
        if (logs) {
            long errors = 0;
            for (int j = 0; j < names.length; j++) {
                vars.put(names[j], Math.round(merged[j]));
                if (ERROR_FIGURES[j]) {
                    errors += Math.round(merged[j]);
                }
            }
            long total = Math.round(merged[0]);
            vars.put("error_ratio", total == 0 ? 0.0 : (double) errors / total);
        } else {
            long count = Math.round(merged[0]);
            vars.put("count", count);
            vars.put("sum", merged[1]);
            vars.put("min", merged[2]);
            vars.put("max", merged[3]);
            vars.put("mean", count == 0 ? 0.0 : merged[1] / count);
            for (String q : AggregateSchema.QUANTILES) {
                vars.remove(q);
            }
        }
        inner.onAggregate(o, vars, k);
    }

    /** {@code total}, then one count per level in {@link Level} order. */
    private static String[] logFigures() {
        Level[] levels = Level.values();
        String[] f = new String[levels.length + 1];
        f[0] = "total";
        for (int i = 0; i < levels.length; i++) {
            f[i + 1] = levels[i].name().toLowerCase(Locale.ROOT);
        }
        return f;
    }

    private static boolean[] errorFigures() {
        Level[] levels = Level.values();
        boolean[] e = new boolean[levels.length + 1];
        for (int i = 0; i < levels.length; i++) {
            e[i + 1] = levels[i].isError();
        }
        return e;
    }

    private static SpanWindows.Merge[] sums(int k) {
        SpanWindows.Merge[] m = new SpanWindows.Merge[k];
        java.util.Arrays.fill(m, SpanWindows.Merge.SUM);
        return m;
    }
}
