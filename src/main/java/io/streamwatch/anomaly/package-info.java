/**
 * The anomaly rule's per-key model, apart from Flink so that it can be tested and evaluated on its
 * own: a robust baseline that adapts by event-time half-life ({@link RobustBaseline}), daily and
 * weekly profiles ({@link SeasonalProfile}), a score calibrated against the series' own history
 * ({@link ScoreTail}), all held by {@link AnomalyModel} and stored in a compact versioned form
 * ({@link AnomalyStateFormat}). docs/ANOMALY.md describes the model, its defaults and how they were
 * chosen.
 */
package io.streamwatch.anomaly;
