package io.streamwatch.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The masking rules of {@link PatternMasker}, one table row per case the issue lists. */
class PatternMaskerTest {

    static Stream<Arguments> numbers() {
        return Stream.of(
                arguments(
                        "Timeout calling payment-gateway after 3000 ms",
                        "Timeout calling payment-gateway after <NUM> ms"),
                arguments("retry 3 of 5", "retry <NUM> of <NUM>"),
                arguments("delta -12 applied", "delta <NUM> applied"),
                arguments("delta=-12", "delta=<NUM>"),
                arguments("gain +7", "gain <NUM>"),
                arguments("ratio 0.25 too high", "ratio <NUM> too high"),
                arguments("lr 1e-3", "lr <NUM>"),
                arguments("big 6.02E+23", "big <NUM>"),
                arguments("count=42,", "count=<NUM>,"),
                arguments("price $1.50", "price $<NUM>"),
                arguments("disk 93% full", "disk <NUM>% full"),
                arguments("issue #42", "issue #<NUM>"),
                arguments("version 1.2.3 loaded", "version <NUM> loaded"),
                arguments("at line 42: bad", "at line <NUM>: bad"),
                arguments("port :8080", "port :<NUM>"),
                arguments("localhost:8080", "localhost:<NUM>"),
                arguments("at 12:30:45", "at <NUM>:<NUM>:<NUM>"),
                arguments("on 2024-01-31", "on <NUM>-<NUM>-<NUM>"),
                arguments("page 3/5", "page <NUM>/<NUM>"),
                arguments("at Foo.bar(Foo.java:42)", "at Foo.bar(Foo.java:<NUM>)"),
                // A sign only at the start of a word: inside it '-' separates.
                arguments("range 1-5", "range <NUM>-<NUM>"),
                // After '_' or ':' inside a word, '-' is a sign: the sign must not split ids.
                arguments("blk_-1608999687919862906 served", "blk_<NUM> served"),
                arguments("offset x:-5", "offset x:<NUM>"),
                // Units separated by a space stay words; glued non-time units stay as suffix.
                arguments("heap 512 MB", "heap <NUM> MB"),
                arguments("heap 512MB, max 2.5GB", "heap <NUM>MB, max <NUM>GB"),
                arguments("the 2nd try", "the <NUM>nd try"),
                arguments("heap 500M", "heap <NUM>M"));
    }

    static Stream<Arguments> durations() {
        return Stream.of(
                arguments("took 30ms", "took <DURATION>"),
                arguments("took 1.5s", "took <DURATION>"),
                arguments("took 250us", "took <DURATION>"),
                arguments("took 250\u00b5s", "took <DURATION>"),
                arguments("took 12ns", "took <DURATION>"),
                arguments("uptime 2h30m", "uptime <DURATION>"),
                arguments("uptime 1h2m3.5s", "uptime <DURATION>"),
                arguments("ttl 10m", "ttl <DURATION>"),
                arguments("ttl 7d", "ttl <DURATION>"),
                arguments("wait 5min", "wait <DURATION>"),
                arguments("timeout=30s,", "timeout=<DURATION>,"),
                arguments("offset -5s", "offset <DURATION>"));
    }

    static Stream<Arguments> hexIds() {
        return Stream.of(
                arguments("ptr 0x1f3a", "ptr <HEX>"),
                arguments("ptr 0X7FFF", "ptr <HEX>"),
                arguments("trace 4bf92f3577b34da6 done", "trace <HEX> done"),
                arguments("commit 9fceb02d0ae598e95dc970b74767f19372d61af8", "commit <HEX>"),
                arguments("commit 9fceb02", "commit <ID>"),
                arguments("pod checkout-7f9c8d6b5-x", "pod checkout-<HEX>-x"),
                arguments("span=A1B2C3D4E5F6", "span=<HEX>"),
                // Hex-looking words without a digit are words.
                arguments("magic deadbeef", "magic deadbeef"),
                arguments("a facade", "a facade"));
    }

    static Stream<Arguments> uuids() {
        return Stream.of(
                arguments(
                        "order 123e4567-e89b-12d3-a456-426614174000 failed", "order <UUID> failed"),
                arguments("id=123E4567-E89B-12D3-A456-426614174000;", "id=<UUID>;"),
                arguments("key order-123e4567-e89b-12d3-a456-426614174000", "key order-<UUID>"),
                // One hex digit too many in the last group: not a UUID, so the per-run rules
                // apply (123e4567 reads as a number with an exponent).
                arguments(
                        "x 123e4567-e89b-12d3-a456-4266141740001",
                        "x <NUM>-<ID>-<ID>-a<NUM>-<NUM>"));
    }

    static Stream<Arguments> ips() {
        return Stream.of(
                arguments("from 10.0.0.12 denied", "from <IP> denied"),
                arguments("to 10.0.0.12:8080, retry", "to <IP>, retry"),
                arguments("host=192.168.1.1.", "host=<IP>."),
                arguments("net 10.0.0.0/8", "net <IP>/<NUM>"),
                arguments("not an ip 10.0.0.300", "not an ip <NUM>"),
                arguments("via 2001:db8::1", "via <IP>"),
                arguments("via fe80::1ff:fe23:4567:890a", "via <IP>"),
                arguments("via ::1", "via <IP>"),
                arguments("via 2001:0db8:85a3:0000:0000:8a2e:0370:7334", "via <IP>"),
                arguments("via ::ffff:10.0.0.1", "via <IP>"),
                arguments("via fe80::1%eth0", "via <IP>"),
                arguments("via [2001:db8::1]:8443", "via <IP>"),
                arguments("via [::1]", "via <IP>"),
                arguments("via ::1.", "via <IP>."),
                // Not IPv6: times, method references, too few groups.
                arguments("Foo::bar", "Foo::bar"),
                arguments("dead::beef", "dead::beef"));
    }

    static Stream<Arguments> quotedStrings() {
        return Stream.of(
                arguments("user \"alice\" not found", "user <STR> not found"),
                arguments("user 'bob' not found", "user <STR> not found"),
                arguments("key=\"a \\\"b\\\" c\" set", "key=<STR> set"),
                arguments("say 'it\\'s' now", "say <STR> now"),
                arguments("empty \"\"", "empty <STR>"),
                arguments("json {\"a\":1,\"b\":\"x\"}", "json {<STR>:<NUM>,<STR>:<STR>}"),
                arguments("mixed 'say \"hi\"'", "mixed <STR>"),
                arguments("'bob's car' gone", "<STR> gone"),
                // Apostrophes and unclosed quotes stay.
                arguments("don't stop", "don't stop"),
                arguments("the users' files", "the users' files"),
                arguments("unclosed \"quote here", "unclosed \"quote here"),
                arguments("unclosed 'quote 42", "unclosed 'quote <NUM>"));
    }

    static Stream<Arguments> pathsAndUrls() {
        return Stream.of(
                arguments("open /var/log/app.log: denied", "open <PATH>: denied"),
                arguments("read C:\\temp\\x.txt", "read <PATH>"),
                arguments("read C:/temp/x.txt", "read <PATH>"),
                arguments("load ./conf/a.yaml.", "load <PATH>."),
                arguments("load ../conf/a.yaml", "load <PATH>"),
                arguments("load ~/conf/a.yaml", "load <PATH>"),
                arguments("share \\\\srv\\share\\f", "share <PATH>"),
                arguments("file=/data/x,", "file=<PATH>,"),
                arguments("(/var/x)", "(<PATH>)"),
                arguments("GET /api/v1/users/123 404", "GET <PATH> <NUM>"),
                arguments("GET https://api.example.com/v1/pay?id=3", "GET <URL>"),
                arguments("see (https://x.org/a).", "see (<URL>)."),
                arguments("see https://en.wikipedia.org/wiki/A_(b)", "see <URL>"),
                // Slashes inside words and bare relative paths are not paths.
                arguments("read/write", "read/write"),
                arguments("conf/a.yaml", "conf/a.yaml"),
                arguments("a / b", "a / b"));
    }

    static Stream<Arguments> emails() {
        return Stream.of(
                arguments("mail to alice@example.com failed", "mail to <EMAIL> failed"),
                arguments("to alice.smith+tag@mail.example.co.uk.", "to <EMAIL>."),
                arguments("mailto:bob@x.com", "mailto:<EMAIL>"),
                // No dot in the domain: a user@host, not an e-mail address.
                arguments("login postgres@db", "login postgres@db"),
                arguments("@Override", "@Override"));
    }

    static Stream<Arguments> identifiers() {
        return Stream.of(
                arguments("request req-8f3k2 failed", "request req-<ID> failed"),
                arguments("user user12345 locked", "user user<NUM> locked"),
                arguments("on node03", "on node<NUM>"),
                arguments("on web-1", "on web-<NUM>"),
                arguments("on web-1.prod.example.com", "on web-<NUM>.prod.example.com"),
                arguments("ids a1b2c3", "ids <ID>"),
                arguments("api v2", "api v<NUM>"),
                arguments("HTTP/1.1 200", "HTTP/<NUM> <NUM>"),
                arguments("thread worker_thread_12", "thread worker_thread_<NUM>"),
                arguments("host ip-10-0-0-12", "host ip-<NUM>-<NUM>-<NUM>-<NUM>"),
                arguments("caf\u00e9123", "caf\u00e9<NUM>"),
                // One digit inside a name: a name.
                arguments("log4j on k8s", "log4j on k8s"));
    }

    static Stream<Arguments> unchanged() {
        return Stream.of(
                        "Connection refused",
                        "Timeout calling payment-gateway",
                        "NullPointerException in com.example.Foo.bar",
                        "user_id is null",
                        "--verbose - a",
                        "e.g. this, that; other!",
                        "N/A",
                        "  spaced\tout\n  ",
                        "<NUM> is already a placeholder",
                        "\u4e2d\u6587 \u65e5\u672c\u8a9e \ud83d\ude00",
                        "'",
                        "\"",
                        "//",
                        "x:",
                        "::",
                        "[]",
                        "a'b'c")
                .map(s -> arguments(s, s));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @MethodSource({
        "numbers",
        "durations",
        "hexIds",
        "uuids",
        "ips",
        "quotedStrings",
        "pathsAndUrls",
        "emails",
        "identifiers",
        "unchanged"
    })
    void masksVariableParts(String message, String pattern) {
        assertThat(PatternMasker.mask(message)).isEqualTo(pattern);
        // A pattern is its own pattern, so patterns can be masked again safely.
        assertThat(PatternMasker.mask(pattern)).isEqualTo(pattern);
    }

    static Stream<Arguments> samePattern() {
        return Stream.of(
                arguments(
                        "Timeout calling payment-gateway after 3000 ms",
                        "Timeout calling payment-gateway after 2950 ms"),
                arguments("lost web-1", "lost web-2"),
                arguments("lost web-1.prod:8080", "lost web-17.prod:443"),
                arguments("from 10.0.0.12", "from fe80::1"),
                arguments("took 30ms", "took 1.5s"),
                arguments("req-8f3k2 failed", "req-x9y8z7 failed"));
    }

    @ParameterizedTest(name = "[{index}] {0} ~ {1}")
    @MethodSource("samePattern")
    void variantsOfOneEventShareOnePattern(String a, String b) {
        assertThat(PatternMasker.mask(a)).isEqualTo(PatternMasker.mask(b));
        assertThat(PatternMasker.patternId(PatternMasker.mask(a)))
                .isEqualTo(PatternMasker.patternId(PatternMasker.mask(b)));
    }

    static Stream<Arguments> keptQuotes() {
        return Stream.of(
                // The method of a request line and a quoted state stay; values inside are masked.
                arguments(
                        "\"GET /v2/servers/detail HTTP/1.1\" status: 200",
                        "\"GET <PATH> HTTP/<NUM>\" status: <NUM>"),
                arguments("state 'Active'", "state 'Active'"),
                arguments("relation \"orders_2024\" missing", "relation \"orders_<NUM>\" missing"),
                // More than three words: free text, one placeholder as in mask.
                arguments("ua \"Mozilla/5.0 (X11; Linux x86_64)\" ok", "ua <STR> ok"),
                arguments("empty \"\" here", "empty \"\" here"),
                // An apostrophe is no quote.
                arguments("don't stop 3", "don't stop <NUM>"));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @MethodSource("keptQuotes")
    void maskKeepingQuotesKeepsTheWordsOfShortQuotedStrings(String message, String pattern) {
        assertThat(PatternMasker.maskKeepingQuotes(message)).isEqualTo(pattern);
        assertThat(PatternMasker.maskKeepingQuotes(pattern)).isEqualTo(pattern);
    }

    @Test
    void nullAndEmptyGiveEmpty() {
        assertThat(PatternMasker.maskKeepingQuotes(null)).isEmpty();
        assertThat(PatternMasker.mask(null)).isEmpty();
        assertThat(PatternMasker.mask("")).isEmpty();
    }

    static Stream<Arguments> patternIds() {
        // FNV-1a 32 reference values: these must never change, ids are stored downstream.
        return Stream.of(
                arguments("", "811c9dc5"),
                arguments("a", "e40c292c"),
                arguments("foobar", "bf9cf968"),
                arguments("Timeout calling payment-gateway after <NUM> ms", "ef21c6ff"),
                arguments("h\u00e9llo \u4e2d \ud83d\ude00", "1a5fbbe4"));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @MethodSource("patternIds")
    void patternIdIsFnv1a32OfUtf8(String pattern, String id) {
        assertThat(PatternMasker.patternId(pattern)).isEqualTo(id);
    }

    @Test
    void patternIdHashesUtf8BytesLikeGetBytes() {
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            String s = randomString(random, random.nextInt(40));
            assertThat(PatternMasker.patternId(s))
                    .matches("[0-9a-f]{8}")
                    .isEqualTo(fnv1a(s.getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(PatternMasker.patternId(null)).isEqualTo(PatternMasker.patternId(""));
    }

    @Test
    void neverThrowsOnRandomInput() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            String s = randomString(random, random.nextInt(120));
            assertThatCode(() -> PatternMasker.scan(s))
                    .as("input %s", s)
                    .doesNotThrowAnyException();
            assertThatCode(() -> PatternMasker.scanKeepingQuotes(s))
                    .as("input %s", s)
                    .doesNotThrowAnyException();
        }
    }

    @ParameterizedTest(name = "[{index}] 1 MB of \"{0}\"")
    @ValueSource(
            strings = {
                "a",
                "7",
                "'a ",
                "\"a ",
                "\\",
                "a@",
                "a@b.",
                "[",
                "[1:",
                "/",
                " /a",
                "x-",
                "1.",
                "1e",
                "::",
                "1:2:3 ",
                "[1:2:3] ",
                "0x",
                "http://",
                "\ud83d",
                "\u00e9"
            })
    void handlesOneMegabyteInputs(String unit) {
        String s = unit.repeat((1 << 20) / unit.length());
        assertThatCode(() -> PatternMasker.scan(s)).doesNotThrowAnyException();
        assertThatCode(() -> PatternMasker.scanKeepingQuotes(s)).doesNotThrowAnyException();
        assertThat(PatternMasker.mask(s)).isNotNull();
    }

    @Test
    void oneMegabyteShapes() {
        assertThat(PatternMasker.mask("a".repeat(1 << 20))).isEqualTo("a".repeat(1 << 20));
        assertThat(PatternMasker.mask("7".repeat(1 << 20))).isEqualTo("<NUM>");
        assertThat(PatternMasker.mask("'a ".repeat(1 << 18))).isEqualTo("'a ".repeat(1 << 18));
        assertThat(PatternMasker.mask("x ".repeat(1 << 19) + "\"" + "y".repeat(1 << 19) + "\""))
                .isEqualTo("x ".repeat(1 << 19) + "<STR>");
    }

    private static String randomString(Random random, int length) {
        // Weighted towards the characters the scanner treats specially.
        String special = "0123456789abcdefxXeE.:-_+@%/\\~'\"`[](){}<>=,;| \t\n";
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(10);
            if (kind < 7) {
                b.append(special.charAt(random.nextInt(special.length())));
            } else if (kind < 9) {
                b.append((char) ('a' + random.nextInt(26)));
            } else {
                // Any char, including lone surrogates.
                b.append((char) random.nextInt(Character.MAX_VALUE + 1));
            }
        }
        return b.toString();
    }

    private static String fnv1a(byte[] bytes) {
        int h = 0x811c9dc5;
        for (byte b : bytes) {
            h = (h ^ (b & 0xff)) * 0x01000193;
        }
        return String.format("%08x", h);
    }
}
