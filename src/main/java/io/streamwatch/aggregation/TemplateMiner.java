package io.streamwatch.aggregation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Learns message templates online, so that one event whose variable part is a plain word (a user
 * name, a block id, a state like {@code RUNNING}) is one pattern, which masking alone cannot do
 * (SPEC section 3). It is Drain (He et al., ICWS 2017) with {@link PatternMasker} as its first
 * stage:
 *
 * <ol>
 *   <li>The message's first non-blank line is masked and split on whitespace into tokens (a
 *       bracketed {@code [a, b, c]} list is one token). A stack trace after the first line does not
 *       take part: its depth varies between occurrences of one event.
 *   <li>A fixed-depth parse tree routes the tokens: first by their count, then by the first {@code
 *       depth - 2} tokens. A token containing a digit or a placeholder routes to the wildcard
 *       branch {@code <*>}, a {@code key=value} token routes by its {@code key=}, and a node with
 *       {@code maxChildren} children sends further new tokens to the wildcard branch.
 *   <li>In the leaf, the template most similar to the tokens (equal tokens / token count; a
 *       wildcard position is not counted as equal, ties go to the template with more wildcards)
 *       takes the line if the similarity reaches the threshold, unless a word naming a quoted or
 *       numeric value differs ({@code relation <STR>} / {@code column <STR>}: two events). The
 *       sibling branches under the same first token are searched too. The template generalizes
 *       every position where it differs to {@code <*>} (or {@code key=<*>} when both tokens share
 *       the key). Otherwise the line starts a new template.
 * </ol>
 *
 * <p>A template's id is fixed when it is created: the {@link PatternMasker#patternId} of its first
 * line's masked form (the id plain masking gives that line), so it does not change when the
 * template generalizes, and a template that is evicted and learned again gets its id back. On the
 * rare hash collision with a live template, the id of {@code masked + "#1"}, {@code "#2"}, ... is
 * taken.
 *
 * <p>State is bounded: at most {@code maxTemplates} templates; the least recently seen one is
 * evicted to make room. {@link #snapshot()} gives the whole state as plain data and {@link
 * #restore} rebuilds an equal miner from it, so the miner can live in Flink keyed state. Not
 * thread-safe: one miner per key.
 */
public final class TemplateMiner {
    /** Drain's depth: root, token count, {@code depth - 2} leading tokens. */
    public static final int DEFAULT_DEPTH = 4;

    /** Measured on the labeled corpora in the tests; see docs/PATTERNS.md. */
    public static final double DEFAULT_SIMILARITY = 0.5;

    public static final int DEFAULT_MAX_CHILDREN = 100;
    public static final int DEFAULT_MAX_TEMPLATES = 1000;

    /** A position where the lines of a template differ. */
    public static final String WILDCARD = "<*>";

    /**
     * The miner's parameters.
     *
     * @param depth parse tree depth, at least 3 (root, token count, then {@code depth - 2} tokens)
     * @param similarity the share of equal tokens (0 to 1) a line needs to join a template
     * @param maxChildren children of a tree node before new tokens go to the wildcard branch
     * @param maxTemplates templates kept; the least recently seen is evicted beyond
     */
    public record Config(int depth, double similarity, int maxChildren, int maxTemplates) {
        public Config {
            if (depth < 3) {
                throw new IllegalArgumentException("depth must be at least 3, not " + depth);
            }
            if (!(similarity >= 0 && similarity <= 1)) {
                throw new IllegalArgumentException(
                        "similarity must be between 0 and 1, not " + similarity);
            }
            if (maxChildren < 2) {
                throw new IllegalArgumentException(
                        "max children must be at least 2, not " + maxChildren);
            }
            if (maxTemplates < 1) {
                throw new IllegalArgumentException(
                        "max templates must be at least 1, not " + maxTemplates);
            }
        }

        public static Config defaults() {
            return new Config(
                    DEFAULT_DEPTH, DEFAULT_SIMILARITY, DEFAULT_MAX_CHILDREN, DEFAULT_MAX_TEMPLATES);
        }
    }

    /**
     * What {@link #add} did with a line.
     *
     * @param id the template's stable id
     * @param template the template's text after this line (tokens joined by single spaces)
     * @param created the line started a new template
     * @param generalized the line matched an existing template and made it more general
     * @param evicted the id of the template evicted to make room for a created one, or null
     */
    public record Match(
            String id, String template, boolean created, boolean generalized, String evicted) {}

    /**
     * One template as plain data (a Flink POJO): what {@link #snapshot()} gives and {@link
     * #restore} takes.
     */
    public static final class TemplateState {
        public String id;

        /** Tokens joined by single spaces (tokens never contain whitespace). */
        public String template;

        /** The tree branch the template lives in: token count, then the routing keys. */
        public List<String> path;

        public long count;

        /** The miner's clock (lines added) when the template last took a line. */
        public long lastSeen;

        public TemplateState() {}
    }

    /** The whole state of a miner (a Flink POJO), templates least recently seen first. */
    public static final class State {
        public long clock;
        public List<TemplateState> templates = new ArrayList<>();

        public State() {}
    }

    private static final class Node {
        final Node parent;
        final String key;
        final Map<String, Node> children = new HashMap<>();
        final List<Cluster> clusters = new ArrayList<>(2);

        Node(Node parent, String key) {
            this.parent = parent;
            this.key = key;
        }
    }

    private static final class Cluster {
        final String id;
        final String[] tokens;
        final Node leaf;
        long count;
        long lastSeen;
        String text;

        Cluster(String id, String[] tokens, Node leaf) {
            this.id = id;
            this.tokens = tokens;
            this.leaf = leaf;
        }

        String text() {
            if (text == null) {
                text = String.join(" ", tokens);
            }
            return text;
        }
    }

    private final Config config;
    private final Node root = new Node(null, "");
    // Least recently seen first: a template that takes a line is moved to the end.
    private final LinkedHashMap<String, Cluster> clusters = new LinkedHashMap<>();
    private long clock;

    public TemplateMiner() {
        this(Config.defaults());
    }

    public TemplateMiner(Config config) {
        this.config = config;
    }

    public Config config() {
        return config;
    }

    /** Number of templates held. */
    public int size() {
        return clusters.size();
    }

    /**
     * Learns from one message and tells which template it maps to.
     *
     * @param message a log message, possibly null or multi-line
     * @return the template (created or updated) that now holds the line
     */
    public Match add(String message) {
        clock++;
        String masked = PatternMasker.mask(firstLine(message));
        String[] tokens = tokenize(masked);
        Node leaf = descend(tokens, false);
        Cluster best = leaf == null ? null : bestMatch(leaf.clusters, tokens);
        if (best == null && config.depth() > 3 && tokens.length > 1) {
            // A plain-word variable among the leading tokens (a user name, a service) routes a
            // line away from its template: look in the sibling branches under its first token.
            Node first = firstTokenNode(tokens);
            if (first != null) {
                List<Cluster> candidates = new ArrayList<>();
                collect(first, leaf, candidates);
                best = bestMatch(candidates, tokens);
            }
        }
        if (best == null) {
            if (leaf == null) {
                leaf = descend(tokens, true);
            }
            String evicted = null;
            if (clusters.size() >= config.maxTemplates()) {
                evicted = evictEldest();
                // Eviction may have pruned the branch we descended to.
                leaf = descend(tokens, true);
            }
            Cluster c = new Cluster(newId(masked), tokens, leaf);
            c.count = 1;
            c.lastSeen = clock;
            leaf.clusters.add(c);
            clusters.put(c.id, c);
            return new Match(c.id, c.text(), true, false, evicted);
        }
        boolean generalized = generalize(best.tokens, tokens);
        if (generalized) {
            best.text = null;
        }
        best.count++;
        best.lastSeen = clock;
        clusters.remove(best.id);
        clusters.put(best.id, best);
        return new Match(best.id, best.text(), false, generalized, null);
    }

    /** The id a template's id stands for now: itself, or the template it was merged into. */
    public String resolve(String id) {
        return id;
    }

    /** The template with this id, or null. */
    public String template(String id) {
        Cluster c = clusters.get(id);
        return c == null ? null : c.text();
    }

    /** The whole state, as plain data; the miner keeps no reference to it. */
    public State snapshot() {
        State s = new State();
        s.clock = clock;
        for (Cluster c : clusters.values()) {
            s.templates.add(state(c));
        }
        return s;
    }

    /**
     * One template as plain data, or null when there is none with this id: what a keyed store
     * writes when a template is created or changed, without snapshotting the whole miner.
     */
    public TemplateState templateState(String id) {
        Cluster c = clusters.get(id);
        return c == null ? null : state(c);
    }

    private static TemplateState state(Cluster c) {
        TemplateState t = new TemplateState();
        t.id = c.id;
        t.template = c.text();
        t.count = c.count;
        t.lastSeen = c.lastSeen;
        List<String> path = new ArrayList<>();
        for (Node n = c.leaf; n.parent != null; n = n.parent) {
            path.add(0, n.key);
        }
        t.path = path;
        return t;
    }

    /** The miner's clock: lines added so far (what {@link TemplateState#lastSeen} counts in). */
    public long clock() {
        return clock;
    }

    /** A miner with this configuration and the state a {@link #snapshot()} gave. */
    public static TemplateMiner restore(Config config, State state) {
        TemplateMiner m = new TemplateMiner(config);
        m.clock = state.clock;
        List<TemplateState> ts = new ArrayList<>(state.templates);
        ts.sort((a, b) -> Long.compare(a.lastSeen, b.lastSeen));
        // A smaller max_templates than the state was made with keeps the most recent ones.
        int skip = Math.max(0, ts.size() - config.maxTemplates());
        for (TemplateState t : ts.subList(skip, ts.size())) {
            Node n = m.relink(t.path);
            Cluster c = new Cluster(t.id, tokenize(t.template), n);
            c.count = t.count;
            c.lastSeen = t.lastSeen;
            n.clusters.add(c);
            m.clusters.put(c.id, c);
        }
        return m;
    }

    /** The node at this path, created where missing. */
    private Node relink(List<String> path) {
        Node n = root;
        for (String key : path) {
            Node child = n.children.get(key);
            if (child == null) {
                child = new Node(n, key);
                n.children.put(key, child);
            }
            n = child;
        }
        return n;
    }

    // ---- tree ------------------------------------------------------------------------------

    private Node descend(String[] tokens, boolean create) {
        Node n = child(root, Integer.toString(tokens.length), create, false);
        int prefix = Math.min(config.depth() - 2, tokens.length);
        for (int i = 0; i < prefix && n != null; i++) {
            n = child(n, routeKey(tokens[i]), create, true);
        }
        return n;
    }

    /** The node of the first token (no creation), or null. */
    private Node firstTokenNode(String[] tokens) {
        Node n = root.children.get(Integer.toString(tokens.length));
        return n == null ? null : child(n, routeKey(tokens[0]), false, true);
    }

    /** Every cluster in the subtree of {@code n}, except those of leaf {@code skip}. */
    private static void collect(Node n, Node skip, List<Cluster> out) {
        if (n != skip) {
            out.addAll(n.clusters);
        }
        for (Node c : n.children.values()) {
            collect(c, skip, out);
        }
    }

    private Node child(Node n, String key, boolean create, boolean bounded) {
        Node c = n.children.get(key);
        if (c != null) {
            return c;
        }
        if (bounded && !key.equals(WILDCARD)) {
            Node wild = n.children.get(WILDCARD);
            int room = config.maxChildren() - (wild == null ? 1 : 0);
            if (!create || n.children.size() >= room) {
                if (wild != null || !create) {
                    return wild;
                }
                key = WILDCARD;
            }
        } else if (!create) {
            return null;
        }
        Node fresh = new Node(n, key);
        n.children.put(key, fresh);
        return fresh;
    }

    /** The branch a leading token routes to. */
    static String routeKey(String token) {
        if (isDateWord(token)) {
            return WILDCARD;
        }
        int n = token.length();
        for (int i = 0; i < n; i++) {
            char c = token.charAt(i);
            if ((c >= '0' && c <= '9') || c == '<') {
                return WILDCARD;
            }
            if (c == '=' && i > 0) {
                return token.substring(0, i + 1);
            }
        }
        return token;
    }

    // ---- matching --------------------------------------------------------------------------

    private Cluster bestMatch(List<Cluster> candidates, String[] tokens) {
        Cluster best = null;
        double bestSim = -1;
        int bestParams = -1;
        for (Cluster c : candidates) {
            String[] t = c.tokens;
            int equal = 0;
            int params = 0;
            int counted = 0;
            for (int i = 0; i < t.length; i++) {
                String a = t[i];
                if (isParam(a)) {
                    if (a.length() == WILDCARD.length()
                            || tokens[i].startsWith(a.substring(0, a.length() - 3))) {
                        params++;
                        continue;
                    }
                } else if (a.equals(tokens[i])) {
                    if (!informative(a)) {
                        // Equal masked values say nothing about the event (timestamps, ids).
                        continue;
                    }
                    equal++;
                } else if (isDateWord(a) && isDateWord(tokens[i])) {
                    continue;
                } else if (i + 1 < t.length && namesValue(a, t[i + 1])) {
                    // The word that names a masked value (relation "x", column "x") is part of
                    // the event: different names, different events.
                    counted = -1;
                    break;
                }
                counted++;
            }
            if (counted < 0) {
                continue;
            }
            double sim = counted == 0 ? 1.0 : (double) equal / counted;
            if (sim > bestSim || (sim == bestSim && params > bestParams)) {
                best = c;
                bestSim = sim;
                bestParams = params;
            }
        }
        return bestSim >= config.similarity() ? best : null;
    }

    private static final java.util.Set<String> DATE_WORDS =
            java.util.Set.of(
                    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                    "Dec", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun");

    /**
     * Whether a token tells events apart: it has a letter outside placeholders ({@code
     * sshd[<NUM>]:} does, {@code <NUM>:<NUM>:<NUM>} and {@code Mar} do not).
     */
    static boolean informative(String token) {
        if (isDateWord(token)) {
            return false;
        }
        int n = token.length();
        for (int i = 0; i < n; i++) {
            char c = token.charAt(i);
            if (c == '<') {
                int close = token.indexOf('>', i);
                if (close > i && isPlaceholder(token, i, close)) {
                    i = close;
                    continue;
                }
            }
            if (Character.isLetter(c)) {
                return true;
            }
        }
        return false;
    }

    /** token[open..close] is {@code <NAME>} of upper-case letters or {@code <*>}. */
    private static boolean isPlaceholder(String token, int open, int close) {
        if (close == open + 2 && token.charAt(open + 1) == '*') {
            return true;
        }
        for (int j = open + 1; j < close; j++) {
            char c = token.charAt(j);
            if (c < 'A' || c > 'Z') {
                return false;
            }
        }
        return close > open + 1;
    }

    /**
     * Whether {@code word} names the masked value after it, as in {@code relation <STR>} or {@code
     * signal <NUM>}: a plain word (letters, {@code -}, {@code _}) followed by a quoted string or a
     * number placeholder (trailing punctuation aside).
     */
    static boolean namesValue(String word, String next) {
        int n = word.length();
        if (n < 2) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = word.charAt(i);
            if (!Character.isLetter(c) && c != '-' && c != '_') {
                return false;
            }
        }
        int end = next.length();
        while (end > 0 && ",;:.".indexOf(next.charAt(end - 1)) >= 0) {
            end--;
        }
        if (end < 3 || next.charAt(0) != '<' || next.charAt(end - 1) != '>') {
            return false;
        }
        return NAMED.contains(next.substring(0, end));
    }

    /**
     * Placeholders whose values a preceding word names ({@code relation <STR>}, {@code code
     * <NUM>}). Not IPs, paths or ids: a variable word comes before those too often ({@code
     * Disconnected from user alice <IP>}, sshd).
     */
    private static final java.util.Set<String> NAMED = java.util.Set.of("<STR>", "<NUM>");

    /** A month or weekday abbreviation: part of a timestamp (syslog), not of the event. */
    private static boolean isDateWord(String token) {
        return token.length() == 3 && DATE_WORDS.contains(token);
    }

    private static boolean isParam(String token) {
        return token.endsWith(WILDCARD);
    }

    /** Generalizes {@code template} in place where it differs from {@code tokens}. */
    private static boolean generalize(String[] template, String[] tokens) {
        boolean changed = false;
        for (int i = 0; i < template.length; i++) {
            String a = template[i];
            String b = tokens[i];
            if (a.equals(b)) {
                continue;
            }
            if (isParam(a)) {
                String key = a.substring(0, a.length() - WILDCARD.length());
                if (key.isEmpty() || b.startsWith(key)) {
                    continue;
                }
                template[i] = WILDCARD;
                changed = true;
                continue;
            }
            String key = commonKey(a, b);
            template[i] = key == null ? WILDCARD : key + WILDCARD;
            changed = true;
        }
        return changed;
    }

    /** The {@code key=} both tokens start with, or null. */
    private static String commonKey(String a, String b) {
        int eq = a.indexOf('=');
        if (eq <= 0 || !b.startsWith(a.substring(0, eq + 1))) {
            return null;
        }
        return a.substring(0, eq + 1);
    }

    // ---- ids and eviction ------------------------------------------------------------------

    private String newId(String masked) {
        String id = PatternMasker.patternId(masked);
        for (int k = 1; clusters.containsKey(id); k++) {
            id = PatternMasker.patternId(masked + "#" + k);
        }
        return id;
    }

    /** Evicts the least recently seen template; returns its id. */
    private String evictEldest() {
        Iterator<Cluster> it = clusters.values().iterator();
        Cluster c = it.next();
        it.remove();
        c.leaf.clusters.remove(c);
        for (Node n = c.leaf; n.parent != null; n = n.parent) {
            if (!n.clusters.isEmpty() || !n.children.isEmpty()) {
                break;
            }
            n.parent.children.remove(n.key);
        }
        return c.id;
    }

    // ---- text ------------------------------------------------------------------------------

    /** The first line that is not blank, or "" for none. */
    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int n = message.length();
        int start = 0;
        while (start < n) {
            int end = message.indexOf('\n', start);
            if (end < 0) {
                end = n;
            }
            if (!message.substring(start, end).isBlank()) {
                return start == 0 && end == n ? message : message.substring(start, end);
            }
            start = end + 1;
        }
        return "";
    }

    /** Tokens a bracketed list may span before it is cut (keeps a runaway bracket cheap). */
    private static final int MAX_LIST_TOKENS = 64;

    /**
     * Splits on whitespace (any char up to space), except that a bracketed list written with {@code
     * ", "} ({@code [orders-0, orders-1]}, Java's {@code List.toString}) stays one token: its
     * length varies between lines of one event, and a token count that varies splits the event.
     */
    static String[] tokenize(String s) {
        List<String> out = new ArrayList<>();
        int n = s.length();
        int i = 0;
        while (i < n) {
            while (i < n && s.charAt(i) <= ' ') {
                i++;
            }
            int start = i;
            while (i < n && s.charAt(i) > ' ') {
                i++;
            }
            if (i > start) {
                if (s.charAt(start) == '[' && s.charAt(i - 1) == ',') {
                    i = listEnd(s, start, i);
                }
                out.add(s.substring(start, i));
            }
        }
        return out.toArray(new String[0]);
    }

    /**
     * Where the list starting at {@code start} ends: after the first token that ends with {@code
     * ]}, if every token before it ends with a comma; else {@code firstEnd} (not a list).
     */
    private static int listEnd(String s, int start, int firstEnd) {
        int n = s.length();
        int i = firstEnd;
        for (int k = 0; k < MAX_LIST_TOKENS; k++) {
            if (i >= n || s.charAt(i) != ' ') {
                return firstEnd;
            }
            int tokenStart = ++i;
            while (i < n && s.charAt(i) > ' ') {
                i++;
            }
            if (i == tokenStart) {
                return firstEnd;
            }
            char last = s.charAt(i - 1);
            if (last == ']') {
                return i;
            }
            if (last != ',') {
                return firstEnd;
            }
        }
        return firstEnd;
    }
}
