package io.streamwatch.config;

import io.streamwatch.aggregation.TemplateMiner;
import java.io.Serializable;
import java.time.Duration;

/**
 * How a logs pipeline finds the message pattern of an ERROR/FATAL line (SPEC section 3): the
 * template miner's parameters, per pipeline, so the job and the {@code patterns} command learn the
 * same templates from the same lines.
 *
 * @param mining learn templates online per group (the default); false counts plain masked patterns
 * @param depth at least 3; ignored by the miner (kept so that older configurations load)
 * @param similarity share of equal tokens a line needs to join a template, 0 to 1
 * @param maxChildren at least 2; ignored by the miner (kept like depth)
 * @param maxTemplates templates kept per group; the least recently seen is evicted beyond
 * @param ttl a template not seen for this long (processing time) is dropped from state
 */
public record PatternsConfig(
        boolean mining,
        int depth,
        double similarity,
        int maxChildren,
        int maxTemplates,
        Duration ttl)
        implements Serializable {

    /** Defaults chosen on the labeled corpora (docs/PATTERNS.md). */
    public static final Duration DEFAULT_TTL = Duration.ofDays(30);

    public static PatternsConfig defaults() {
        return new PatternsConfig(
                true,
                TemplateMiner.DEFAULT_DEPTH,
                TemplateMiner.DEFAULT_SIMILARITY,
                TemplateMiner.DEFAULT_MAX_CHILDREN,
                TemplateMiner.DEFAULT_MAX_TEMPLATES,
                DEFAULT_TTL);
    }

    /** The miner's parameters. */
    public TemplateMiner.Config minerConfig() {
        return new TemplateMiner.Config(depth, similarity, maxChildren, maxTemplates);
    }

    /** The same settings with mining on or off. */
    public PatternsConfig withMining(boolean on) {
        return new PatternsConfig(on, depth, similarity, maxChildren, maxTemplates, ttl);
    }
}
