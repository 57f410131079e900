package io.streamwatch.anomaly;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * The stored form of an {@link AnomalyModel}: one byte array per key, led by a format version so
 * that a later model can read (or knowingly drop) what an earlier one wrote. {@value #PLAIN_BYTES}
 * bytes without seasonality, {@value #SEASONAL_BYTES} with it. Spreads, profiles and the
 * calibration are floats (relative precision 1e-7 is far finer than what they estimate); levels and
 * times keep full precision.
 *
 * <pre>
 * byte    format version (1)
 * byte    flags: 1 seasonal profiles kept, 2 seasonal baseline in use, 4 anomalous,
 *         8 every value so far a whole number
 * long    first point's time, last point's time (ms)
 * int     points learned
 * float   the previous two deviations (newest first)
 * double  plain level; float spread, long spread
 * if flag 1:
 *   double seasonal level; float spread, long spread
 *   float x 24 hour-of-day offsets, x 7 day-of-week offsets, x 7 day-of-week scales
 * float   calibration: weighted points, then per statistic, side and threshold: weighted count
 *         (3 x 2 x 5)
 * </pre>
 */
public final class AnomalyStateFormat {
    /** The version this class writes. */
    public static final int VERSION = 1;

    /** Bytes of a model without seasonality. */
    public static final int PLAIN_BYTES = 1 + 1 + 8 + 8 + 4 + 4 + 4 + 16 + 4 + 4 * 30;

    /** Bytes of a model with seasonality. */
    public static final int SEASONAL_BYTES = PLAIN_BYTES + 16 + 4 * 38;

    private static final int SEASONAL = 1;
    private static final int SEASONAL_IN_USE = 2;
    private static final int ANOMALOUS = 4;
    private static final int WHOLE_NUMBERS = 8;

    private AnomalyStateFormat() {}

    /** The model's state as bytes. */
    public static byte[] encode(AnomalyModel m) {
        // A ByteBuffer rather than data streams: the same big-endian layout at a fraction of the
        // cost, once per aggregate of every anomaly key.
        ByteBuffer out = ByteBuffer.allocate(m.seasonal() ? SEASONAL_BYTES : PLAIN_BYTES);
        out.put((byte) VERSION);
        int flags =
                (m.seasonal() ? SEASONAL : 0)
                        | (m.seasonalInUse ? SEASONAL_IN_USE : 0)
                        | (m.anomalous ? ANOMALOUS : 0)
                        | (m.wholeNumbers ? WHOLE_NUMBERS : 0);
        out.put((byte) flags);
        out.putLong(m.firstTime);
        out.putLong(m.lastTime);
        out.putInt(m.points);
        out.putFloat(m.previousZ);
        out.putFloat(m.previousZ2);
        writeBaseline(out, m.plain);
        if (m.seasonal()) {
            writeBaseline(out, m.seasonalBaseline);
            for (float f : m.profile.daily) {
                out.putFloat(f);
            }
            for (float f : m.profile.weekly) {
                out.putFloat(f);
            }
            for (float f : m.profile.scale) {
                out.putFloat(f);
            }
        }
        ScoreTail t = m.tail;
        out.putFloat((float) t.n);
        for (double c : t.counts) {
            out.putFloat((float) c);
        }
        return out.array();
    }

    /**
     * The model stored in {@code bytes}, or null when there is none to continue from: no bytes, a
     * format this version does not know, or a model whose seasonality differs from {@code settings}
     * (the rule changed; its alert state starts afresh anyway).
     */
    public static AnomalyModel decode(byte[] bytes, AnomalySettings settings) {
        if (bytes == null || bytes.length == 0 || bytes[0] != VERSION) {
            return null;
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            in.get();
            int flags = in.get();
            boolean seasonal = (flags & SEASONAL) != 0;
            if (seasonal != settings.seasonality()) {
                return null;
            }
            AnomalyModel m = new AnomalyModel(seasonal);
            m.seasonalInUse = (flags & SEASONAL_IN_USE) != 0;
            m.anomalous = (flags & ANOMALOUS) != 0;
            m.wholeNumbers = (flags & WHOLE_NUMBERS) != 0;
            m.firstTime = in.getLong();
            m.lastTime = in.getLong();
            m.points = in.getInt();
            m.previousZ = in.getFloat();
            m.previousZ2 = in.getFloat();
            readBaseline(in, m.plain);
            if (seasonal) {
                readBaseline(in, m.seasonalBaseline);
                for (int i = 0; i < m.profile.daily.length; i++) {
                    m.profile.daily[i] = in.getFloat();
                }
                for (int i = 0; i < m.profile.weekly.length; i++) {
                    m.profile.weekly[i] = in.getFloat();
                }
                for (int i = 0; i < m.profile.scale.length; i++) {
                    m.profile.scale[i] = in.getFloat();
                }
            }
            ScoreTail t = m.tail;
            t.n = in.getFloat();
            for (int i = 0; i < t.counts.length; i++) {
                t.counts[i] = in.getFloat();
            }
            return m;
        } catch (BufferUnderflowException e) {
            // A truncated array: nothing to continue from.
            return null;
        }
    }

    private static void writeBaseline(ByteBuffer out, RobustBaseline b) {
        out.putDouble(b.level);
        out.putFloat((float) b.spread);
        out.putFloat((float) b.longSpread);
    }

    private static void readBaseline(ByteBuffer in, RobustBaseline b) {
        b.level = in.getDouble();
        b.spread = in.getFloat();
        b.longSpread = in.getFloat();
    }
}
