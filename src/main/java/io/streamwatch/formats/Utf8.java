package io.streamwatch.formats;

/**
 * Strict UTF-8 validation (no overlongs, no surrogates, nothing above U+10FFFF), with a fast path
 * for ASCII, which most log records are. Jackson would only notice bad bytes inside strings it
 * decodes, and would let them through in fields it skips.
 */
public final class Utf8 {
    private Utf8() {}

    /** Index of the first byte of the first invalid sequence, or -1 when all is valid. */
    public static int firstInvalid(byte[] b) {
        return firstInvalid(b, b.length);
    }

    /** As {@link #firstInvalid(byte[])}, over the first {@code n} bytes. */
    public static int firstInvalid(byte[] b, int n) {
        int i = 0;
        while (i < n) {
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
}
