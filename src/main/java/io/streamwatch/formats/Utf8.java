package io.streamwatch.formats;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Strict UTF-8 validation (no overlongs, no surrogates, nothing above U+10FFFF), with a fast path
 * for ASCII, which most log records are. Jackson would only notice bad bytes inside strings it
 * decodes, and would let them through in fields it skips.
 */
public final class Utf8 {
    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    private Utf8() {}

    /** Index of the first byte of the first invalid sequence, or -1 when all is valid. */
    public static int firstInvalid(byte[] b) {
        return firstInvalid(b, b.length);
    }

    /** As {@link #firstInvalid(byte[])}, over the first {@code n} bytes. */
    public static int firstInvalid(byte[] b, int n) {
        int i = 0;
        while (i < n) {
            // ASCII 32 bytes at a time, then eight: no byte of the words has its high bit set.
            // One test per four words: this check runs over every byte of every record.
            while (i + 32 <= n && isAscii32(b, i)) {
                i += 32;
            }
            while (i + 8 <= n && ((long) LONGS.get(b, i) & HIGH_BITS) == 0) {
                i += 8;
            }
            if (i >= n) {
                break;
            }
            int c = b[i];
            if (c >= 0) {
                i++;
                continue;
            }
            c &= 0xff;
            int len;
            int min;
            if (c >= 0xc2 && c <= 0xdf) {
                len = 2;
                min = 0x80;
            } else if (c >= 0xe0 && c <= 0xef) {
                len = 3;
                min = 0x800;
            } else if (c >= 0xf0 && c <= 0xf4) {
                len = 4;
                min = 0x10000;
            } else {
                return i;
            }
            if (i + len > n) {
                return i;
            }
            int cp = c & (0xff >> (len + 1));
            for (int k = 1; k < len; k++) {
                int cc = b[i + k] & 0xff;
                if ((cc & 0xc0) != 0x80) {
                    return i;
                }
                cp = (cp << 6) | (cc & 0x3f);
            }
            if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
                return i;
            }
            i += len;
        }
        return -1;
    }

    /** Whether the 32 bytes from {@code i} are all ASCII. */
    private static boolean isAscii32(byte[] b, int i) {
        long any =
                (long) LONGS.get(b, i)
                        | (long) LONGS.get(b, i + 8)
                        | (long) LONGS.get(b, i + 16)
                        | (long) LONGS.get(b, i + 24);
        return (any & HIGH_BITS) == 0;
    }

    /**
     * The length of the longest prefix of {@code b} of at most {@code limit} bytes that does not
     * split a character, so that cutting valid UTF-8 there leaves valid UTF-8.
     */
    public static int cutAt(byte[] b, int limit) {
        int keep = Math.min(b.length, limit);
        while (keep < b.length && keep > 0 && (b[keep] & 0xc0) == 0x80) {
            keep--;
        }
        return keep;
    }
}
