package io.streamwatch.formats;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Utf8} against the JDK's strict decoder, on ASCII runs broken by every kind of byte. */
class Utf8Test {

    @Test
    void findsTheSameFirstInvalidByteAsTheJdkDecoder() {
        Random random = new Random(7);
        String[] pieces = {"é", "€", "😀", "\u07ff", "\uffff"};
        for (int round = 0; round < 20_000; round++) {
            byte[] b = new byte[random.nextInt(40)];
            int i = 0;
            while (i < b.length) {
                int kind = random.nextInt(10);
                if (kind < 7) {
                    b[i++] = (byte) random.nextInt(0x80);
                } else if (kind < 9) {
                    byte[] p =
                            pieces[random.nextInt(pieces.length)].getBytes(StandardCharsets.UTF_8);
                    for (int k = 0; k < p.length && i < b.length; k++) {
                        b[i++] = p[k];
                    }
                } else {
                    b[i++] = (byte) (0x80 + random.nextInt(0x80));
                }
            }
            int n = b.length == 0 ? 0 : random.nextInt(b.length + 1);
            assertThat(Utf8.firstInvalid(b, n)).as("%s", hex(b, n)).isEqualTo(jdk(b, n));
        }
    }

    @Test
    void rejectsOverlongsSurrogatesAndCodePointsBeyondUnicode() {
        String ascii = "abcdefghijklmnop";
        for (byte[] bad :
                new byte[][] {
                    {(byte) 0xc0, (byte) 0xaf},
                    {(byte) 0xe0, (byte) 0x80, (byte) 0xaf},
                    {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                    {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}
                }) {
            byte[] b = new byte[ascii.length() + bad.length];
            System.arraycopy(ascii.getBytes(StandardCharsets.US_ASCII), 0, b, 0, ascii.length());
            System.arraycopy(bad, 0, b, ascii.length(), bad.length);
            assertThat(Utf8.firstInvalid(b)).isEqualTo(ascii.length());
        }
    }

    private static int jdk(byte[] b, int n) {
        CharsetDecoder d =
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b, 0, n);
        CharBuffer out = CharBuffer.allocate(2 * n + 2);
        CoderResult r = d.decode(in, out, true);
        if (r.isError()) {
            return in.position();
        }
        return in.hasRemaining() ? in.position() : -1;
    }

    private static String hex(byte[] b, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(String.format("%02x ", b[i]));
        }
        return s.toString();
    }
}
