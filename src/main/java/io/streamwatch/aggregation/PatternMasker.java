package io.streamwatch.aggregation;

/**
 * Turns a log message into its pattern by masking the variable parts, so that the top-patterns of a
 * log aggregate (SPEC section 3) count "Timeout after 3000 ms" and "Timeout after 2950 ms" as one
 * pattern. It is the first stage before template mining, so it masks only what is variable with
 * high confidence and keeps every other character (words, punctuation, spacing) as it is.
 *
 * <p>Quoted strings, URLs and paths are recognized first, each as a whole. The rest is split into
 * words of letters, digits and {@code . : - _ + @ %}; a word is tried as an IPv6 address, then for
 * e-mail addresses, then run by run (see the identifier rule). Placeholders:
 *
 * <ul>
 *   <li>{@code <STR>}: a double- or single-quoted string, quotes included. A quote opens a string
 *       only if the character before it is not a letter or digit, and closes it only if the
 *       character after it is not one, so apostrophes ({@code don't}, {@code users'}) are left
 *       alone. A backslash escapes the next character. An unclosed quote stays as it is.
 *   <li>{@code <URL>}: {@code scheme://...} up to whitespace, a quote or {@code <>}; trailing
 *       {@code .,;:!?} and an unbalanced {@code )} are not part of it.
 *   <li>{@code <PATH>}: a path starting after whitespace, the start or one of <code>
 *       =([&#123;&lt;&gt;,;:|</code> with {@code /}, {@code ./}, {@code ../}, {@code ~/}, a drive
 *       ({@code C:\} or {@code C:/}) or {@code \\}. It ends at whitespace, a quote, {@code ,;|} or
 *       a bracket; trailing {@code .:!?} are not part of it. Relative paths without a leading
 *       {@code ./} ({@code conf/a.yaml}) and slashes inside words ({@code read/write}, {@code
 *       HTTP/1.1}) are not paths. Paths containing spaces end at the space (quote them to get
 *       {@code <STR>}).
 *   <li>{@code <EMAIL>}: {@code local@domain.tld} with a dot in the domain and a top-level domain
 *       of at least two letters.
 *   <li>{@code <IP>}: IPv4 with an optional {@code :port}; IPv6 (full, with {@code ::}, with a
 *       trailing IPv4 part or a {@code %zone}, and {@code [..]:port}). An IPv6 address must contain
 *       a decimal digit, so words like {@code dead::beef} or {@code Foo::bar} stay. Anything of
 *       four dot-separated numbers up to 255 counts as IPv4, including a four-part version like
 *       {@code 1.2.3.4}.
 *   <li>{@code <UUID>}: 8-4-4-4-12 hex digits, any case.
 *   <li>{@code <HEX>}: {@code 0x} followed by hex digits; or a run of at least 8 hex digits that
 *       has at least one digit and at least one letter (trace ids, git shas). Hex-looking English
 *       words without a digit ({@code deadbeef}, {@code facade}) are not masked: they are more
 *       often words than ids, and an all-letter id is rare.
 *   <li>{@code <DURATION>}: a number glued to a time unit, possibly compound: {@code 30ms}, {@code
 *       1.5s}, {@code 250us}, {@code 2h30m}, {@code 10m}. Units (lower case only, so {@code 500M}
 *       stays a size): ns, us, µs, ms, s, sec, secs, m, min, mins, h, hr, hrs, d. A number
 *       separated from its unit by a space is a {@code <NUM>}; the unit stays as a word.
 *   <li>{@code <NUM>}: an integer or decimal, with an exponent ({@code 1e-3}) and, at the start of
 *       a word, a sign ({@code -12}). Dotted numbers ({@code 1.2.3}) are one number. Inside a word,
 *       {@code -} is a separator, not a sign, so {@code web-1} gives {@code web-<NUM>} and {@code
 *       2024-01-01} gives {@code <NUM>-<NUM>-<NUM>}.
 *   <li>{@code <ID>}: see the identifier rule below.
 * </ul>
 *
 * <p>Identifier rule. Inside a word, letters and digits form runs separated by the other word
 * characters. A run that mixes letters and digits and is not hex, a UUID or a duration is masked as
 * follows: a number followed only by letters keeps the letters as a unit ({@code 500MB} gives
 * {@code <NUM>MB}, {@code 2nd} gives {@code <NUM>nd}); letters followed only by a number keep the
 * letters as a prefix ({@code user12345} gives {@code user<NUM>}, {@code node03} gives {@code
 * node<NUM>}, and also {@code v2} gives {@code v<NUM>}: trailing digits are counters more often
 * than names, and the aggregate's example keeps the original); any other mix with at least two
 * digits is an {@code <ID>} ({@code req-8f3k2} gives {@code req-<ID>}); a mix with a single digit
 * is a name and stays ({@code log4j}, {@code k8s}).
 *
 * <p>Consecutive placeholders are not collapsed: "{@code <NUM> <NUM>}" and "{@code <NUM>}" are
 * different messages more often than the same one, and collapsing would hide that. Only ASCII
 * digits are digits; other Unicode letters are letters.
 *
 * <p>The scanner makes one left-to-right pass with bounded look-ahead and no regular expressions,
 * so it is linear in the message length and never throws.
 */
public final class PatternMasker {
    static final String NUM = "<NUM>";
    static final String DURATION = "<DURATION>";
    static final String HEX = "<HEX>";
    static final String UUID = "<UUID>";
    static final String IP = "<IP>";
    static final String STR = "<STR>";
    static final String PATH = "<PATH>";
    static final String URL = "<URL>";
    static final String EMAIL = "<EMAIL>";
    static final String ID = "<ID>";

    // Both micro sign and Greek mu are used for microseconds.
    private static final char MICRO = '\u00b5';
    private static final char MU = '\u03bc';
    private static final String MICRO_S = MICRO + "s";
    private static final String MU_S = MU + "s";

    private static final int MAX_SCHEME = 32;
    // Longest bracketed IPv6 with a zone we look at; bounds the look-ahead after '['.
    private static final int MAX_BRACKETED = 64;

    private PatternMasker() {}

    /**
     * Masks the variable parts of a log message so that messages of one event share one pattern.
     * Never throws; null -> "".
     *
     * @param message a log message, possibly null, of any length and content
     * @return the message with its variable parts replaced by placeholders
     */
    public static String mask(String message) {
        if (message == null || message.isEmpty()) {
            return "";
        }
        try {
            return scan(message);
        } catch (RuntimeException e) {
            // Defensive only: a scanner bug must cost one pattern, not the job.
            return message;
        }
    }

    /**
     * Like {@link #mask} except for short quoted strings: one of at most {@value
     * #MAX_KEPT_QUOTED_WORDS} words keeps its quotes and has its content masked instead of becoming
     * {@code <STR>}, so {@code "GET /v2/x HTTP/1.1"} gives {@code "GET <PATH> HTTP/<NUM>"} and
     * {@code state 'Active'} stays as it is. The template miner uses this form: the method of a
     * request line or a quoted state is what tells two events apart, and a quoted name the miner
     * learns to be variable like any other word. Longer quoted strings (free text, user agents,
     * queries) still become {@code <STR>}: their word count varies between lines of one event.
     */
    public static String maskKeepingQuotes(String message) {
        if (message == null || message.isEmpty()) {
            return "";
        }
        try {
            return new Scanner(message, true).run();
        } catch (RuntimeException e) {
            return message;
        }
    }

    /** Words a quoted string may have to keep its quotes in {@link #maskKeepingQuotes}. */
    static final int MAX_KEPT_QUOTED_WORDS = 3;

    /** {@link #maskKeepingQuotes} without the safety net, so that tests see its exceptions. */
    static String scanKeepingQuotes(String message) {
        return message == null ? "" : new Scanner(message, true).run();
    }

    /** The scanner without the safety net, so that tests see its exceptions. */
    static String scan(String message) {
        return message == null ? "" : new Scanner(message, false).run();
    }

    /**
     * Stable 8-lowercase-hex-char id of a pattern, so that the same pattern has the same id in
     * every JVM, after restarts and across versions. It is FNV-1a 32 of the pattern's UTF-8 bytes;
     * a lone surrogate is encoded as {@code ?}, as {@link String#getBytes} does. null is hashed as
     * "". Not {@link String#hashCode()}: that hashes UTF-16 chars and gives similar strings similar
     * values, while FNV-1a of UTF-8 is easy to reproduce in any language that reads the aggregates.
     *
     * @param pattern a pattern from {@link #mask(String)}
     * @return e.g. {@code "a3f9c1d2"}
     */
    public static String patternId(String pattern) {
        int h = 0x811c9dc5;
        String s = pattern == null ? "" : pattern;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                h = fnv(h, c);
            } else if (c < 0x800) {
                h = fnv(h, 0xc0 | (c >> 6));
                h = fnv(h, 0x80 | (c & 0x3f));
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < n
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                h = fnv(h, 0xf0 | (cp >> 18));
                h = fnv(h, 0x80 | ((cp >> 12) & 0x3f));
                h = fnv(h, 0x80 | ((cp >> 6) & 0x3f));
                h = fnv(h, 0x80 | (cp & 0x3f));
            } else if (Character.isSurrogate(c)) {
                h = fnv(h, '?');
            } else {
                h = fnv(h, 0xe0 | (c >> 12));
                h = fnv(h, 0x80 | ((c >> 6) & 0x3f));
                h = fnv(h, 0x80 | (c & 0x3f));
            }
        }
        char[] out = new char[8];
        for (int i = 7; i >= 0; i--) {
            out[i] = Character.forDigit(h & 0xf, 16);
            h >>>= 4;
        }
        return new String(out);
    }

    private static int fnv(int h, int b) {
        return (h ^ (b & 0xff)) * 0x01000193;
    }

    // ---- character classes -------------------------------------------------------------

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isLetter(char c) {
        return isAsciiLetter(c) || (c >= 0x80 && Character.isLetter(c));
    }

    private static boolean isAlnum(char c) {
        return isDigit(c) || isLetter(c);
    }

    private static boolean isHex(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** Characters that hold a word together: its letter/digit runs and their separators. */
    private static boolean isWordChar(char c) {
        return isAlnum(c)
                || c == '.'
                || c == ':'
                || c == '-'
                || c == '_'
                || c == '+'
                || c == '@'
                || c == '%';
    }

    /** Characters a path or URL cannot contain (they end it). */
    private static boolean endsPath(char c) {
        switch (c) {
            case '"':
            case '\'':
            case '`':
            case '<':
            case '>':
            case ',':
            case ';':
            case '|':
            case '(':
            case ')':
            case '[':
            case ']':
            case '{':
            case '}':
                return true;
            default:
                return c <= ' ';
        }
    }

    /** Characters after which a path may start. */
    private static boolean beforePath(char c) {
        switch (c) {
            case '=':
            case '(':
            case '[':
            case '{':
            case '<':
            case '>':
            case ',':
            case ';':
            case ':':
            case '|':
            case '"':
            case '\'':
                return true;
            default:
                return c <= ' ';
        }
    }

    private static boolean isEmailLocal(char c) {
        return isDigit(c)
                || isAsciiLetter(c)
                || c == '.'
                || c == '_'
                || c == '%'
                || c == '+'
                || c == '-';
    }

    private static boolean isDomainChar(char c) {
        return isDigit(c) || isAsciiLetter(c) || c == '.' || c == '-';
    }

    /** One masking pass over one message. */
    private static final class Scanner {
        private final String s;
        private final int n;
        private final StringBuilder out;
        private final boolean keepQuotes;
        // From this index on there is no closing quote of that kind; keeps quote search linear.
        private int noDoubleCloseFrom = Integer.MAX_VALUE;
        private int noSingleCloseFrom = Integer.MAX_VALUE;

        Scanner(String s, boolean keepQuotes) {
            this.keepQuotes = keepQuotes;
            this.s = s;
            this.n = s.length();
            this.out = new StringBuilder(n + 16);
        }

        String run() {
            int i = 0;
            while (i < n) {
                char c = s.charAt(i);
                int next;
                if (isWordChar(c)) {
                    next = special(i, c);
                    if (next < 0) {
                        next = word(i);
                    }
                } else if (c == '"' || c == '\'') {
                    next = quoted(i, c);
                } else if (c == '/' || c == '\\' || c == '~') {
                    next = path(i);
                } else if (c == '[') {
                    next = bracketedIpv6(i);
                } else {
                    next = -1;
                }
                if (next < 0) {
                    out.append(c);
                    next = i + 1;
                }
                i = next;
            }
            return out.toString();
        }

        private char prev(int i) {
            return i == 0 ? ' ' : s.charAt(i - 1);
        }

        /** URL or path starting at a word character; -1 if there is none. */
        private int special(int i, char c) {
            if (isAsciiLetter(c)) {
                int end = url(i);
                if (end >= 0) {
                    return end;
                }
                if (i + 3 < n
                        && s.charAt(i + 1) == ':'
                        && (s.charAt(i + 2) == '\\' || s.charAt(i + 2) == '/')
                        && beforePath(prev(i))) {
                    return pathFrom(i, i + 3);
                }
            } else if (c == '.' && beforePath(prev(i))) {
                return path(i);
            }
            return -1;
        }

        private int url(int i) {
            int limit = Math.min(n, i + MAX_SCHEME);
            int j = i + 1;
            while (j < limit) {
                char c = s.charAt(j);
                if (isDigit(c) || isAsciiLetter(c) || c == '+' || c == '.' || c == '-') {
                    j++;
                } else {
                    break;
                }
            }
            if (j + 3 >= n
                    || s.charAt(j) != ':'
                    || s.charAt(j + 1) != '/'
                    || s.charAt(j + 2) != '/'
                    || endsPath(s.charAt(j + 3))) {
                return -1;
            }
            int end = j + 3;
            int opens = 0;
            int closes = 0;
            while (end < n) {
                char c = s.charAt(end);
                if (c <= ' ' || c == '"' || c == '\'' || c == '`' || c == '<' || c == '>') {
                    break;
                }
                if (c == '(') {
                    opens++;
                } else if (c == ')') {
                    closes++;
                }
                end++;
            }
            while (end > j + 3) {
                char c = s.charAt(end - 1);
                if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?') {
                    end--;
                } else if (c == ')' && closes > opens) {
                    closes--;
                    end--;
                } else {
                    break;
                }
            }
            out.append(URL);
            return end;
        }

        /** A path starting at i with one of / \\ ./ ../ ~/; -1 if there is none. */
        private int path(int i) {
            if (!beforePath(prev(i))) {
                return -1;
            }
            char c = s.charAt(i);
            if (c == '/') {
                return pathFrom(i, i + 1);
            }
            if (c == '\\') {
                return i + 1 < n && s.charAt(i + 1) == '\\' ? pathFrom(i, i + 2) : -1;
            }
            int j = i + 1;
            if (c == '.' && j < n && s.charAt(j) == '.') {
                j++;
            }
            if (j < n && (s.charAt(j) == '/' || (c == '.' && s.charAt(j) == '\\'))) {
                return pathFrom(i, j + 1);
            }
            return -1;
        }

        /** Path from start whose prefix ends at body; the body must start with a name char. */
        private int pathFrom(int start, int body) {
            if (body >= n) {
                return -1;
            }
            char first = s.charAt(body);
            if (!(isAlnum(first) || first == '.' || first == '_' || first == '-' || first == '~')) {
                return -1;
            }
            int end = body;
            while (end < n && !endsPath(s.charAt(end))) {
                end++;
            }
            while (end > body) {
                char c = s.charAt(end - 1);
                if (c == '.' || c == ':' || c == '!' || c == '?') {
                    end--;
                } else {
                    break;
                }
            }
            out.append(PATH);
            return end;
        }

        /** A quoted string opened at i; -1 if the quote is an apostrophe or never closed. */
        private int quoted(int i, char q) {
            if (isAlnum(prev(i))) {
                return -1;
            }
            int noCloseFrom = q == '"' ? noDoubleCloseFrom : noSingleCloseFrom;
            if (i >= noCloseFrom) {
                return -1;
            }
            int j = i + 1;
            while (j < n) {
                char c = s.charAt(j);
                if (c == '\\') {
                    j += 2;
                } else if (c == q && (j + 1 == n || !isAlnum(s.charAt(j + 1)))) {
                    if (keepQuotes && words(i + 1, j) <= MAX_KEPT_QUOTED_WORDS) {
                        out.append(q);
                        out.append(new Scanner(s.substring(i + 1, j), false).run());
                        out.append(q);
                    } else {
                        out.append(STR);
                    }
                    return j + 1;
                } else {
                    j++;
                }
            }
            if (q == '"') {
                noDoubleCloseFrom = i;
            } else {
                noSingleCloseFrom = i;
            }
            return -1;
        }

        /** Whitespace-separated words in [p, q); 0 for a blank or empty range. */
        private int words(int p, int q) {
            int count = 0;
            boolean inWord = false;
            for (int j = p; j < q; j++) {
                boolean blank = s.charAt(j) <= ' ';
                if (!blank && !inWord) {
                    count++;
                }
                inWord = !blank;
            }
            return count;
        }

        /** [ipv6] or [ipv6]:port at i; -1 if there is none. */
        private int bracketedIpv6(int i) {
            int limit = Math.min(n, i + MAX_BRACKETED);
            int j = i + 1;
            while (j < limit && s.charAt(j) != ']' && isWordChar(s.charAt(j))) {
                j++;
            }
            if (j >= limit || s.charAt(j) != ']' || !isIpv6(i + 1, j)) {
                return -1;
            }
            out.append(IP);
            return port(j + 1, n);
        }

        /** Index after ":port" at i (1-5 digits not followed by a letter/digit), else i. */
        private int port(int i, int end) {
            if (i >= end || s.charAt(i) != ':') {
                return i;
            }
            int j = i + 1;
            while (j < end && j - i <= 5 && isDigit(s.charAt(j))) {
                j++;
            }
            if (j == i + 1 || j - i > 6 || (j < end && isAlnum(s.charAt(j)))) {
                return i;
            }
            return j;
        }

        /** Masks the word starting at start; returns its end. */
        private int word(int start) {
            int end = start;
            boolean hasDigit = false;
            boolean hasAt = false;
            int colons = 0;
            while (end < n) {
                char c = s.charAt(end);
                if (!isWordChar(c)) {
                    break;
                }
                if (isDigit(c)) {
                    hasDigit = true;
                } else if (c == ':') {
                    colons++;
                } else if (c == '@') {
                    hasAt = true;
                }
                end++;
            }
            // Most words are plain text: nothing to mask without a digit or an '@'.
            if (!hasDigit && !hasAt) {
                out.append(s, start, end);
                return end;
            }
            if (colons >= 2) {
                int trimmed = end;
                while (trimmed > start && ".:-".indexOf(s.charAt(trimmed - 1)) >= 0) {
                    trimmed--;
                }
                if (isIpv6(start, trimmed)) {
                    out.append(IP);
                    out.append(s, trimmed, end);
                    return end;
                }
            }
            int from = start;
            if (hasAt) {
                from = emails(start, end);
            }
            runs(from, end, from == start);
            return end;
        }

        /**
         * Masks the e-mail addresses in [start, end) and the runs before them; returns the rest.
         */
        private int emails(int start, int end) {
            int done = start;
            for (int at = start; at < end; at++) {
                if (s.charAt(at) != '@') {
                    continue;
                }
                int local = at;
                while (local > done && isEmailLocal(s.charAt(local - 1))) {
                    local--;
                }
                while (local < at && !isAlnum(s.charAt(local))) {
                    local++;
                }
                int domainEnd = at + 1;
                while (domainEnd < end && isDomainChar(s.charAt(domainEnd))) {
                    domainEnd++;
                }
                while (domainEnd > at + 1 && !isAlnum(s.charAt(domainEnd - 1))) {
                    domainEnd--;
                }
                if (local < at && isDomain(at + 1, domainEnd)) {
                    runs(done, local, done == start);
                    out.append(EMAIL);
                    done = domainEnd;
                    at = domainEnd - 1;
                }
            }
            return done;
        }

        /** Dot-separated labels, at least two, the last of at least two letters. */
        private boolean isDomain(int start, int end) {
            int label = start;
            int labels = 0;
            for (int j = start; j < end; j++) {
                if (s.charAt(j) == '.') {
                    if (j == label) {
                        return false;
                    }
                    labels++;
                    label = j + 1;
                }
            }
            if (labels == 0 || end - label < 2) {
                return false;
            }
            return allAsciiLetters(label, end);
        }

        private boolean allAsciiLetters(int p, int q) {
            for (int j = p; j < q; j++) {
                if (!isAsciiLetter(s.charAt(j))) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Masks the letter/digit runs of [start, end) and copies their separators. A sign counts
         * only at the very start of a word.
         */
        private void runs(int start, int end, boolean wordStart) {
            int p = start;
            while (p < end) {
                char c = s.charAt(p);
                if (!isAlnum(c)) {
                    if ((c == '-' || c == '+')
                            && p + 1 < end
                            && isDigit(s.charAt(p + 1))
                            && (p == start ? wordStart : signAfter(s.charAt(p - 1)))) {
                        p = run(p + 1, end, true);
                    } else {
                        out.append(c);
                        p++;
                    }
                    continue;
                }
                if (isUuid(p, end)) {
                    out.append(UUID);
                    p += 36;
                    continue;
                }
                p = run(p, end, false);
            }
        }

        /**
         * Whether a {@code -} or {@code +} after this character inside a word is a sign: after
         * {@code _} or {@code :} ({@code blk_-42}, {@code x:-5}), not after a letter, digit or dot
         * ({@code web-1}, {@code 2024-01-01}, {@code 1.-2}).
         */
        private boolean signAfter(char before) {
            return before == '_' || before == ':' || before == '@' || before == '%';
        }

        private boolean isUuid(int p, int end) {
            if (p + 36 > end
                    || s.charAt(p + 8) != '-'
                    || s.charAt(p + 13) != '-'
                    || s.charAt(p + 18) != '-'
                    || s.charAt(p + 23) != '-'
                    || (p + 36 < end && isAlnum(s.charAt(p + 36)))) {
                return false;
            }
            for (int j = p; j < p + 36; j++) {
                if (j != p + 8
                        && j != p + 13
                        && j != p + 18
                        && j != p + 23
                        && !isHex(s.charAt(j))) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Masks the run of letters and digits at p (dots between digits and an exponent sign belong
         * to it); signed means the sign before p is not copied yet. Returns the run's end.
         */
        private int run(int p, int end, boolean signed) {
            int q = p;
            int digits = 0;
            int letters = 0;
            boolean allHex = true;
            boolean dotOrSign = false;
            while (q < end) {
                char c = s.charAt(q);
                if (isDigit(c)) {
                    digits++;
                } else if (isLetter(c)) {
                    letters++;
                    allHex &= isHex(c);
                } else if (c == '.'
                        && q > p
                        && isDigit(s.charAt(q - 1))
                        && q + 1 < end
                        && isDigit(s.charAt(q + 1))) {
                    dotOrSign = true;
                } else if ((c == '-' || c == '+')
                        && q >= p + 2
                        && (s.charAt(q - 1) == 'e' || s.charAt(q - 1) == 'E')
                        && isDigit(s.charAt(q - 2))
                        && q + 1 < end
                        && isDigit(s.charAt(q + 1))) {
                    dotOrSign = true;
                } else {
                    break;
                }
                q++;
            }
            if (digits == 0) {
                copy(p, q, signed);
                return q;
            }
            if (number(p, q) == q) {
                if (!signed && isIpv4(p, q)) {
                    out.append(IP);
                    return port(q, end);
                }
                out.append(NUM);
                return q;
            }
            if (!dotOrSign && allHex && letters > 0 && q - p >= 8) {
                copySign(p, signed);
                out.append(HEX);
                return q;
            }
            if (q - p > 2
                    && s.charAt(p) == '0'
                    && (s.charAt(p + 1) == 'x' || s.charAt(p + 1) == 'X')
                    && allHexFrom(p + 2, q)) {
                copySign(p, signed);
                out.append(HEX);
                return q;
            }
            if (isDuration(p, q)) {
                out.append(DURATION);
                return q;
            }
            int numEnd = number(p, q);
            if (numEnd > p && allLetters(numEnd, q)) {
                out.append(NUM);
                out.append(s, numEnd, q);
                return q;
            }
            int letterEnd = p;
            while (letterEnd < q && isLetter(s.charAt(letterEnd))) {
                letterEnd++;
            }
            copySign(p, signed);
            if (letterEnd > p && number(letterEnd, q) == q) {
                out.append(s, p, letterEnd);
                out.append(NUM);
            } else if (digits >= 2) {
                out.append(ID);
            } else {
                out.append(s, p, q);
            }
            return q;
        }

        private void copySign(int p, boolean signed) {
            if (signed) {
                out.append(s.charAt(p - 1));
            }
        }

        private void copy(int p, int q, boolean signed) {
            copySign(p, signed);
            out.append(s, p, q);
        }

        private boolean allHexFrom(int p, int q) {
            for (int j = p; j < q; j++) {
                if (!isHex(s.charAt(j))) {
                    return false;
                }
            }
            return true;
        }

        private boolean allLetters(int p, int q) {
            for (int j = p; j < q; j++) {
                if (!isLetter(s.charAt(j))) {
                    return false;
                }
            }
            return true;
        }

        /**
         * End of the number at p: digits, more dot-separated digit groups, an exponent. Returns p
         * if there is no digit at p.
         */
        private int number(int p, int q) {
            int j = digits(p, q);
            if (j == p) {
                return p;
            }
            while (j + 1 < q && s.charAt(j) == '.' && isDigit(s.charAt(j + 1))) {
                j = digits(j + 1, q);
            }
            if (j + 1 < q && (s.charAt(j) == 'e' || s.charAt(j) == 'E')) {
                int k = j + 1;
                if (s.charAt(k) == '-' || s.charAt(k) == '+') {
                    k++;
                }
                int e = digits(k, q);
                if (e > k) {
                    j = e;
                }
            }
            return j;
        }

        private int digits(int p, int q) {
            while (p < q && isDigit(s.charAt(p))) {
                p++;
            }
            return p;
        }

        /** One or more (number unit) pairs and nothing else. */
        private boolean isDuration(int p, int q) {
            int j = p;
            while (j < q) {
                int k = digits(j, q);
                if (k == j) {
                    return false;
                }
                if (k + 1 < q && s.charAt(k) == '.' && isDigit(s.charAt(k + 1))) {
                    k = digits(k + 1, q);
                }
                int u = k;
                while (u < q
                        && (isAsciiLetter(s.charAt(u))
                                || s.charAt(u) == MICRO
                                || s.charAt(u) == MU)) {
                    u++;
                }
                if (!isTimeUnit(k, u)) {
                    return false;
                }
                j = u;
            }
            return true;
        }

        private boolean isTimeUnit(int p, int q) {
            switch (q - p) {
                case 1:
                    char c = s.charAt(p);
                    return c == 's' || c == 'm' || c == 'h' || c == 'd';
                case 2:
                    return s.startsWith("ns", p)
                            || s.startsWith("us", p)
                            || s.startsWith(MICRO_S, p)
                            || s.startsWith(MU_S, p)
                            || s.startsWith("ms", p)
                            || s.startsWith("hr", p);
                case 3:
                    return s.startsWith("sec", p)
                            || s.startsWith("min", p)
                            || s.startsWith("hrs", p);
                case 4:
                    return s.startsWith("secs", p) || s.startsWith("mins", p);
                default:
                    return false;
            }
        }

        /** Four dot-separated groups of 1-3 digits, each at most 255. */
        private boolean isIpv4(int p, int q) {
            int groups = 0;
            int j = p;
            while (true) {
                int k = digits(j, q);
                if (k == j || k - j > 3 || Integer.parseInt(s, j, k, 10) > 255) {
                    return false;
                }
                groups++;
                if (k == q) {
                    return groups == 4;
                }
                if (s.charAt(k) != '.' || groups == 4) {
                    return false;
                }
                j = k + 1;
            }
        }

        /** An IPv6 address in exactly [p, q), with an optional %zone; needs a decimal digit. */
        private boolean isIpv6(int p, int q) {
            // Search only [p, q): a search to the end of the message would make many
            // colon-rich words quadratic.
            int zone = p;
            while (zone < q && s.charAt(zone) != '%') {
                zone++;
            }
            if (zone < q) {
                if (zone + 1 >= q) {
                    return false;
                }
                for (int j = zone + 1; j < q; j++) {
                    if (!isDigit(s.charAt(j)) && !isAsciiLetter(s.charAt(j))) {
                        return false;
                    }
                }
                q = zone;
            }
            boolean hasDigit = false;
            for (int j = p; j < q; j++) {
                char c = s.charAt(j);
                if (isDigit(c)) {
                    hasDigit = true;
                } else if (!isHex(c) && c != ':' && c != '.') {
                    return false;
                }
            }
            if (!hasDigit) {
                return false;
            }
            int groups = 0;
            boolean compressed = false;
            int j = p;
            if (j + 1 < q && s.charAt(j) == ':') {
                if (s.charAt(j + 1) != ':') {
                    return false;
                }
                compressed = true;
                j += 2;
            }
            while (j < q) {
                int k = j;
                while (k < q && isHex(s.charAt(k))) {
                    k++;
                }
                if (k < q && s.charAt(k) == '.') {
                    // A trailing IPv4 part stands for two groups.
                    if (!isIpv4(j, q)) {
                        return false;
                    }
                    groups += 2;
                    break;
                }
                if (k == j || k - j > 4) {
                    return false;
                }
                groups++;
                if (k == q) {
                    break;
                }
                // s[k] is ':'.
                j = k + 1;
                if (j < q && s.charAt(j) == ':') {
                    if (compressed) {
                        return false;
                    }
                    compressed = true;
                    j++;
                } else if (j == q) {
                    return false;
                }
            }
            return compressed ? groups <= 7 : groups == 8;
        }
    }
}
