package io.streamwatch.aggregation;

import io.streamwatch.config.PatternsConfig;
import io.streamwatch.functions.PipelineMetrics;
import io.streamwatch.records.Level;
import io.streamwatch.records.LogEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Gives every ERROR/FATAL log event the learned template of its group (SPEC section 3): one {@link
 * TemplateMiner} per key (per service by default), so the window counts templates, not masked
 * messages, and a template's id stays the same while it generalizes. Other events pass unchanged.
 *
 * <p><b>State.</b> The templates of a key live in keyed {@link MapState} (template id to {@link
 * TemplateMiner.TemplateState}), so they move with their key group on rescaling and come back from
 * every checkpoint and savepoint. Each entry has a state TTL ({@code patterns.ttl}, processing
 * time), so the templates of a group that goes quiet leave the state; the miner's {@code
 * max_templates} bounds a busy group.
 *
 * <p><b>Speed.</b> Deserializing a whole miner from RocksDB per record would cost more than the
 * mining. So the operator keeps each key's miner in an in-memory cache and writes one entry only
 * when it changes what a restore needs: a template is created or generalized (its text), evicted
 * (removed), or matched when its entry was last written more than {@link #REFRESH_MS} ago (its
 * count and last-seen clock, and the TTL timer). A cache miss (a new task after a restore or
 * rescale, or a key pushed out of the cache) rebuilds the key's miner from its entries, so the ids
 * and templates after a restore are exactly those of the checkpoint.
 *
 * <p>The price: an entry's {@code count} and {@code lastSeen} are as of its last write, up to
 * {@link #REFRESH_MS} stale. After a rebuild the least-recently-seen order (which template {@code
 * max_templates} evicts next) is therefore exact only to within that minute of activity; below
 * {@code max_templates}, the normal case, nothing depends on it. The cache may also keep a template
 * past its TTL while its key stays active; it is written again, with a new TTL, when it is next
 * matched.
 *
 * <p><b>Records.</b> An ERROR/FATAL event goes on as a new {@link LogEvent} that carries the
 * template; the event received is left as it was, since with object reuse another operator chained
 * to the same input may hold the very same object. Other events go on as they came.
 */
public class TemplateAssigner extends KeyedProcessFunction<String, LogEvent, LogEvent> {
    private static final long serialVersionUID = 1L;

    /** How stale a template's stored count and last-seen clock may get. */
    static final long REFRESH_MS = 60_000;

    /** Templates held in memory over all cached keys; least recently used keys leave beyond. */
    static final int MAX_CACHED_TEMPLATES = 50_000;

    static final String STATE_NAME = "templates";

    private final String pipeline;
    private final PatternsConfig config;
    private final int maxCachedTemplates;

    private transient MapState<String, TemplateMiner.TemplateState> templates;
    private transient LinkedHashMap<String, Cached> cache;
    private transient long cachedTemplates;
    private transient Counter created;
    private transient Counter generalized;
    private transient Counter rebuilt;

    /** A key's miner and when each of its templates was last written to state. */
    private static final class Cached {
        final TemplateMiner miner;
        final Map<String, Long> writtenAt = new HashMap<>();

        Cached(TemplateMiner miner) {
            this.miner = miner;
        }
    }

    public TemplateAssigner(String pipeline, PatternsConfig config) {
        this(pipeline, config, MAX_CACHED_TEMPLATES);
    }

    /** With another cache budget (tests: make keys leave the cache). */
    TemplateAssigner(String pipeline, PatternsConfig config, int maxCachedTemplates) {
        this.pipeline = pipeline;
        this.config = config;
        this.maxCachedTemplates = maxCachedTemplates;
    }

    /** The state of a key's templates, with the configured TTL. */
    static MapStateDescriptor<String, TemplateMiner.TemplateState> descriptor(
            PatternsConfig config) {
        MapStateDescriptor<String, TemplateMiner.TemplateState> d =
                new MapStateDescriptor<>(
                        STATE_NAME,
                        Types.STRING,
                        TypeInformation.of(TemplateMiner.TemplateState.class));
        d.enableTimeToLive(StateTtlConfig.newBuilder(config.ttl()).build());
        return d;
    }

    @Override
    public void open(OpenContext openContext) {
        templates = getRuntimeContext().getMapState(descriptor(config));
        cache = new LinkedHashMap<>(16, 0.75f, true);
        cachedTemplates = 0;
        var metrics = PipelineMetrics.group(getRuntimeContext().getMetricGroup(), pipeline);
        created = metrics.counter("templatesCreated");
        generalized = metrics.counter("templatesGeneralized");
        rebuilt = metrics.counter("templateMinersRestored");
    }

    @Override
    public void processElement(LogEvent event, Context ctx, Collector<LogEvent> out)
            throws Exception {
        if (Level.of(event.level).isError()) {
            // A copy: the input is not ours to change (object reuse, see the class doc).
            LogEvent assigned = event.copy();
            assign(assigned, ctx.getCurrentKey(), ctx.timerService().currentProcessingTime());
            out.collect(assigned);
        } else {
            out.collect(event);
        }
    }

    /** Sets the template of {@code event}, a copy this operator owns. */
    private void assign(LogEvent event, String key, long now) throws Exception {
        Cached c = cached(key);
        int before = c.miner.size();
        TemplateMiner.Match m = c.miner.add(event.message);
        if (m.evicted() != null) {
            templates.remove(m.evicted());
            c.writtenAt.remove(m.evicted());
        }
        for (String merged : m.merged()) {
            // Merged into m's template, whose entry (written below) lists the merged ids.
            templates.remove(merged);
            c.writtenAt.remove(merged);
        }
        if (m.created()) {
            created.inc();
        } else if (m.generalized()) {
            generalized.inc();
        }
        Long written = c.writtenAt.get(m.key());
        if (m.created() || m.generalized() || written == null || now - written >= REFRESH_MS) {
            templates.put(m.key(), c.miner.templateState(m.key()));
            c.writtenAt.put(m.key(), now);
        }
        cachedTemplates += c.miner.size() - before;
        event.patternId = m.id();
        event.pattern = m.template();
        shrinkCache(key);
    }

    /** The key's miner from the cache, or rebuilt from its state entries. */
    private Cached cached(String key) throws Exception {
        Cached c = cache.get(key);
        if (c != null) {
            return c;
        }
        TemplateMiner.State state = new TemplateMiner.State();
        for (TemplateMiner.TemplateState t : templates.values()) {
            state.templates.add(t);
            state.clock = Math.max(state.clock, t.lastSeen);
        }
        TemplateMiner miner = TemplateMiner.restore(config.minerConfig(), state);
        if (miner.size() < state.templates.size()) {
            // The state was written with a larger max_templates: drop what the miner left out.
            List<String> dropped = new ArrayList<>();
            for (TemplateMiner.TemplateState t : state.templates) {
                if (miner.template(t.id) == null) {
                    dropped.add(t.id);
                }
            }
            for (String id : dropped) {
                templates.remove(id);
            }
        }
        if (!state.templates.isEmpty()) {
            rebuilt.inc();
        }
        // No write times: each template is written again when it is first matched, which
        // brings its count, last-seen clock and TTL up to date.
        c = new Cached(miner);
        cache.put(key, c);
        cachedTemplates += miner.size();
        return c;
    }

    /** Forgets the least recently used keys' miners (never {@code current}) beyond the budget. */
    private void shrinkCache(String current) {
        Iterator<Map.Entry<String, Cached>> it = cache.entrySet().iterator();
        while (cachedTemplates > maxCachedTemplates && it.hasNext()) {
            Map.Entry<String, Cached> e = it.next();
            if (e.getKey().equals(current)) {
                continue;
            }
            cachedTemplates -= e.getValue().miner.size();
            it.remove();
        }
    }
}
