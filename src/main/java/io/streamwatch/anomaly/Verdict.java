package io.streamwatch.anomaly;

/**
 * What the model says about one point: whether it is anomalous, and the figures an alert shows.
 *
 * @param value the point
 * @param expected what the model expected (level plus seasonal profile)
 * @param spread the robust spread the deviation was measured in (after its floors)
 * @param z the deviation in spreads, signed
 * @param score the calibrated score: {@code -log10} of the tail probability of the strongest
 *     evidence (this point, or the last two or three points together) against the key's history
 * @param direction +1 when the evidence is above the expected value, -1 below, 0 none
 * @param anomalous whether the key is anomalous after this point (fire level reached, or still
 *     above the resolve level while it was anomalous)
 * @param ready whether the warm-up is over (before it, never anomalous)
 * @param seasonal whether the seasonal profiles were in use for this point
 * @param bound the value a single point would have had to pass to fire, on the side of the
 *     deviation (NaN unless anomalous)
 */
public record Verdict(
        double value,
        double expected,
        double spread,
        double z,
        double score,
        int direction,
        boolean anomalous,
        boolean ready,
        boolean seasonal,
        double bound) {

    /** "above", "below" or "none". */
    public String directionName() {
        return direction > 0 ? "above" : direction < 0 ? "below" : "none";
    }
}
