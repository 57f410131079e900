package io.streamwatch.aggregation;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Learns message templates online, so that one event whose variable part is a plain word (a user
 * name, a block id, a state like {@code RUNNING}) is one pattern, which masking alone cannot do
 * (SPEC section 3). It started as Drain (He et al., ICWS 2017) and goes beyond it where Drain
 * groups real logs wrong with one setting (docs/PATTERNS.md measures each rule):
 *
 * <ol>
 *   <li>The message's first non-blank line is masked ({@link PatternMasker#maskKeepingQuotes}:
 *       short quoted strings keep their words) and split on whitespace into tokens; a bracketed
 *       {@code [a, b, c]} list is one token, and so is a number with its unit ({@code <NUM> KB}).
 *   <li>The line is compared with every template of its token count (no routing by leading tokens:
 *       a variable first token would split an event). Similarity is the share of equal words among
 *       the positions that are words on either side: a template's variables, two values (tokens
 *       with a digit, a placeholder or a dot inside: addresses, host and class names), and two
 *       words both known as values of some template's variable are left out.
 *   <li>A line is refused by a template, whatever the similarity, where a quoted capitalized word
 *       differs ({@code "GET} / {@code "POST}, {@code 'Active'}), where a plain first word differs
 *       (a message's first word is what it is about; a variable first token is a value), where the
 *       word naming a quoted or numeric value differs ({@code relation "x"} / {@code column "x"}),
 *       and where a word differs that the template has kept for {@link #CONFIRMED} lines (a
 *       constant of its event). The most similar template takes the line if its similarity is above
 *       the threshold (strictly: half of two or four words is not enough) and generalizes where
 *       they differ to {@code <*>} ({@code key=<*>} for two values of one key).
 *   <li>Otherwise a template of another token count takes the line if the two agree from the start
 *       and from the end and differ between only in values or where the template has a variable, or
 *       in free text after a colon that ends the line: the event in another form (an optional part,
 *       a list, a reason). The form is a template of its own, with its own state key, that reports
 *       the first template's id.
 *   <li>Otherwise, if two or more rare templates differ from the line in one and the same word
 *       only, that word is a variable: they are merged into one, which takes the line; the merged
 *       ids {@link #resolve} to it from then on. Otherwise the line starts a template.
 * </ol>
 *
 * <p>A template's id is fixed when it is created: the {@link PatternMasker#patternId} of its first
 * line's masked form, so it does not change when the template generalizes, and a template that is
 * evicted and learned again gets its id back. On the rare hash collision with a live template, the
 * id of {@code masked + "#1"}, {@code "#2"}, ... is taken.
 *
 * <p>State is bounded: at most {@code maxTemplates} templates (forms count), the least recently
 * seen evicted to make room; each keeps at most {@link #MAX_VALUES} known values and {@link
 * #MAX_MERGED} merged ids. {@link #snapshot()} gives the whole state as plain data and {@link
 * #restore} rebuilds an equal miner from it, so the miner can live in Flink keyed state; a state
 * written by the tree-routed miner before restores with its ids. Not thread-safe: one miner per
 * key.
 */
public final class TemplateMiner {
    /** Accepted for configurations of the tree-routed miner and ignored. */
    public static final int DEFAULT_DEPTH = 4;

    /** One setting for all kinds of logs, measured on the labeled corpora; see docs/PATTERNS.md. */
    public static final double DEFAULT_SIMILARITY = 0.5;

    /** Accepted for configurations of the tree-routed miner and ignored. */
    public static final int DEFAULT_MAX_CHILDREN = 100;

    public static final int DEFAULT_MAX_TEMPLATES = 1000;

    /** A position where the lines of a template differ. */
    public static final String WILDCARD = "<*>";

    /**
     * The miner's parameters.
     *
     * @param depth at least 3; ignored (kept so that configurations of the tree-routed miner load)
     * @param similarity the share of equal words (0 to 1) above which a line joins a template
     * @param maxChildren at least 2; ignored (kept like depth)
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
     * @param evicted the state key of the template evicted to make room for a new one, or null
     * @param key the state key of the template that took the line: the id itself, or for a form of
     *     the template with another token count (see {@link TemplateState#of}) its own key
     * @param merged the state keys of the templates merged into this one by this line (their ids
     *     now {@link #resolve} to {@code id}); empty for most lines
     */
    public record Match(
            String id,
            String template,
            boolean created,
            boolean generalized,
            String evicted,
            String key,
            List<String> merged) {
        Match(
                String id,
                String template,
                boolean created,
                boolean generalized,
                String evicted,
                String key) {
            this(id, template, created, generalized, evicted, key, List.of());
        }
    }

    /**
     * One template as plain data (a Flink POJO): what {@link #snapshot()} gives and {@link
     * #restore} takes.
     */
    public static final class TemplateState {
        /** The state key: the template's id, or for another form of a template its own key. */
        public String id;

        /**
         * For another form of a template (the same event with more or fewer tokens: an optional
         * part, a list or free text of varying length), the id it reports; null for a template.
         * Absent in a state written before forms existed, which then restores as it was.
         */
        public String of;

        /** Tokens joined by single spaces (tokens never contain whitespace). */
        public String template;

        /** The tree branch the template lives in: token count, then the routing keys. */
        public List<String> path;

        public long count;

        /** The miner's clock (lines added) when the template last took a line. */
        public long lastSeen;

        /**
         * Plain words seen at the template's variable positions (null in a state written before
         * they were kept): they tell the miner which words are values in other templates too.
         */
        public List<String> values;

        /**
         * Ids of the templates merged into this one, which resolve to its id (null or empty for
         * none; absent in a state written before merges existed).
         */
        public List<String> merged;

        public TemplateState() {}
    }

    /** The whole state of a miner (a Flink POJO), templates least recently seen first. */
    public static final class State {
        public long clock;
        public List<TemplateState> templates = new ArrayList<>();

        public State() {}
    }

    private static final class Cluster {
        /** The state key: {@link #id}, or for another form of a template id~tokens. */
        final String key;

        /** The id it reports. */
        final String id;

        final String[] tokens;

        /** Plain words seen at this template's variable positions (at most MAX_VALUES). */
        final List<String> values = new ArrayList<>(2);

        /** Ids merged into this template (at most MAX_MERGED, the latest kept). */
        List<String> merged;

        long count;
        long lastSeen;
        String text;

        /** Per token: it has a letter outside placeholders (see informative). */
        final boolean[] informative;

        /** Per token: a value or no word (see valueLike, informative). */
        final boolean[] value;

        Cluster(String key, String id, String[] tokens) {
            this.key = key;
            this.id = id;
            this.tokens = tokens;
            this.informative = new boolean[tokens.length];
            this.value = new boolean[tokens.length];
            refresh();
        }

        /** Recomputes the per-token flags after the tokens changed. */
        void refresh() {
            for (int i = 0; i < tokens.length; i++) {
                informative[i] = informative(tokens[i]);
                value[i] = !informative[i] || valueLike(tokens[i]);
            }
            text = null;
        }

        String text() {
            if (text == null) {
                text = String.join(" ", tokens);
            }
            return text;
        }
    }

    private final Config config;
    // Templates by token count: a line is compared with every template of its length.
    private final Map<Integer, List<Cluster>> byLength = new HashMap<>();
    // Least recently seen first: a template that takes a line is moved to the end.
    private final LinkedHashMap<String, Cluster> clusters = new LinkedHashMap<>();
    // Plain words known to be variable values: how many templates list each in their values.
    private final Map<String, Integer> knownValues = new HashMap<>();
    // The id each merged template's id resolves to.
    private final Map<String, String> aliases = new HashMap<>();
    private long clock;

    public TemplateMiner() {
        this(Config.defaults());
    }

    public TemplateMiner(Config config) {
        this(config, EnumSet.allOf(Rule.class));
    }

    /**
     * The rules that take this miner beyond Drain, each of which can be left out to measure what it
     * does (MinerEvaluation in the tests); the job and the command use all of them.
     */
    enum Rule {
        /** A similarity of exactly the threshold is not enough. */
        STRICT_THRESHOLD,
        /** Two different values (digits, placeholders, dotted names) are a variable position. */
        VALUES_ARE_VARIABLES,
        /** Short quoted strings keep their words; a quoted capitalized word must be equal. */
        QUOTED_WORDS,
        /** Words seen at variable positions of templates are values in other templates too. */
        KNOWN_VALUES,
        /** A word a template kept over {@link #CONFIRMED} lines is a constant of its event. */
        CONFIRMED_CONSTANTS,
        /** A line may join a template of another length where the two differ only in values. */
        OTHER_LENGTHS,
        /** Text after a colon that ends the line may vary in length. */
        FREE_TEXT_TAIL,
        /** Rare templates that differ in one word only are merged (see mergeSiblings). */
        MERGE_SIBLINGS,
        /** A plain first word must be equal (a variable first token is a value). */
        FIRST_WORD
    }

    private final boolean strictThreshold;
    private final boolean valuesAreVariables;
    private final boolean quotedWords;
    private final boolean knownValuesRule;
    private final boolean confirmedConstants;
    private final boolean otherLengths;
    private final boolean freeTextTail;
    private final boolean mergeSiblings;
    private final boolean firstWord;

    TemplateMiner(Config config, Set<Rule> rules) {
        this.config = config;
        this.strictThreshold = rules.contains(Rule.STRICT_THRESHOLD);
        this.valuesAreVariables = rules.contains(Rule.VALUES_ARE_VARIABLES);
        this.quotedWords = rules.contains(Rule.QUOTED_WORDS);
        this.knownValuesRule = rules.contains(Rule.KNOWN_VALUES);
        this.confirmedConstants = rules.contains(Rule.CONFIRMED_CONSTANTS);
        this.otherLengths = rules.contains(Rule.OTHER_LENGTHS);
        this.freeTextTail = rules.contains(Rule.FREE_TEXT_TAIL);
        this.mergeSiblings = rules.contains(Rule.MERGE_SIBLINGS);
        this.firstWord = rules.contains(Rule.FIRST_WORD);
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
        String first = firstLine(message);
        String masked =
                quotedWords ? PatternMasker.maskKeepingQuotes(first) : PatternMasker.mask(first);
        String[] tokens = tokenize(masked);
        List<Cluster> bucket = byLength.get(tokens.length);
        Cluster best = bucket == null ? null : bestMatch(bucket, tokens);
        if (best == null && otherLengths) {
            Cluster other = alignedMatch(tokens);
            if (other != null) {
                // The event in another form: a template of this length reporting the same id.
                String key = other.id + "~" + tokens.length;
                Cluster existing = clusters.get(key);
                if (existing != null) {
                    touch(existing);
                    return new Match(
                            resolve(existing.id), existing.text(), false, false, null, key);
                }
                String evicted = makeRoom();
                Cluster c = new Cluster(key, other.id, variantTokens(other.tokens, tokens));
                insert(c);
                return new Match(resolve(c.id), c.text(), false, true, evicted, key);
            }
        }
        if (best == null && mergeSiblings && bucket != null) {
            Match merged = mergeSiblings(bucket, tokens);
            if (merged != null) {
                return merged;
            }
        }
        if (best == null) {
            String evicted = makeRoom();
            String id = newId(masked);
            Cluster c = new Cluster(id, id, tokens);
            insert(c);
            return new Match(c.id, c.text(), true, false, evicted, c.key);
        }
        boolean generalized = generalize(best, tokens);
        if (generalized) {
            best.refresh();
        }
        touch(best);
        return new Match(resolve(best.id), best.text(), false, generalized, null, best.key);
    }

    private String makeRoom() {
        return clusters.size() >= config.maxTemplates() ? evictEldest() : null;
    }

    private void insert(Cluster c) {
        c.count = 1;
        c.lastSeen = clock;
        byLength.computeIfAbsent(c.tokens.length, k -> new ArrayList<>()).add(c);
        clusters.put(c.key, c);
    }

    /** Takes a template out of the miner (its aliases are moved by the caller). */
    private void remove(Cluster c) {
        clusters.remove(c.key);
        List<Cluster> bucket = byLength.get(c.tokens.length);
        bucket.remove(c);
        if (bucket.isEmpty()) {
            byLength.remove(c.tokens.length);
        }
        for (String v : c.values) {
            knownValues.computeIfPresent(v, (k, n) -> n == 1 ? null : n - 1);
        }
    }

    private void touch(Cluster c) {
        c.count++;
        c.lastSeen = clock;
        clusters.remove(c.key);
        clusters.put(c.key, c);
    }

    /** The id a template's id stands for now: itself, or the template it was merged into. */
    public String resolve(String id) {
        String to = aliases.get(id);
        return to == null ? id : to;
    }

    /** Ids a template keeps of the templates merged into it (the latest). */
    static final int MAX_MERGED = 32;

    /**
     * Lines each template of a merge may have had at most on average: a word that took many
     * different values, each rarely, is a variable; a few words each seen often are constants of
     * sibling events ({@code VM Started} / {@code VM Stopped}) and stay apart.
     */
    static final int RARE = 2;

    /**
     * When the line would start a new template but at least two templates of its length differ from
     * it in one and the same plain word only, each of them rare, that word is a variable: they are
     * merged into the one with the most lines, which takes the line. The other ids resolve to it
     * from then on.
     */
    private Match mergeSiblings(List<Cluster> bucket, String[] tokens) {
        Map<Integer, List<Cluster>> byPosition = new HashMap<>();
        for (Cluster c : bucket) {
            if (!c.key.equals(c.id)) {
                continue;
            }
            int at = singleWordDifference(c.tokens, tokens);
            if (at >= 0) {
                byPosition.computeIfAbsent(at, k -> new ArrayList<>()).add(c);
            }
        }
        List<Cluster> group = null;
        for (List<Cluster> g : byPosition.values()) {
            if (g.size() >= 2 && (group == null || g.size() > group.size())) {
                group = g;
            }
        }
        if (group == null) {
            return null;
        }
        long lines = 0;
        for (Cluster c : group) {
            lines += c.count;
        }
        if (lines > (long) RARE * group.size() || constantWords(group.get(0).tokens) < 3) {
            // Frequent words are constants; and a template needs words left after the merge.
            return null;
        }
        group.sort(
                (a, b) ->
                        a.count != b.count ? Long.compare(b.count, a.count) : a.id.compareTo(b.id));
        Cluster survivor = group.get(0);
        List<String> mergedKeys = new ArrayList<>();
        for (Cluster o : group.subList(1, group.size())) {
            generalize(survivor, o.tokens);
            survivor.count += o.count;
            remove(o);
            mergedKeys.add(o.key);
            addAlias(survivor, o.id);
            if (o.merged != null) {
                for (String id : o.merged) {
                    addAlias(survivor, id);
                }
            }
        }
        generalize(survivor, tokens);
        survivor.refresh();
        touch(survivor);
        return new Match(survivor.id, survivor.text(), false, true, null, survivor.key, mergedKeys);
    }

    /** Plain words of a template (not variables or values). */
    private static int constantWords(String[] tokens) {
        int n = 0;
        for (String t : tokens) {
            if (!isParam(t) && !valueLike(t) && informative(t)) {
                n++;
            }
        }
        return n;
    }

    private void addAlias(Cluster survivor, String id) {
        if (survivor.merged == null) {
            survivor.merged = new ArrayList<>(2);
        }
        if (survivor.merged.size() >= MAX_MERGED) {
            aliases.remove(survivor.merged.remove(0));
        }
        survivor.merged.add(id);
        aliases.put(id, survivor.id);
    }

    /**
     * The one position where template t and line l differ in plain words, everything else agreeing
     * (equal, a variable of the template, or two values); -1 if there is no such one.
     */
    private static int singleWordDifference(String[] t, String[] l) {
        int at = -1;
        for (int i = 0; i < t.length; i++) {
            String a = t[i];
            String b = l[i];
            if (compatible(a, b)) {
                continue;
            }
            if (at >= 0 || valueLike(a) || valueLike(b) || !informative(a) || !informative(b)) {
                return -1;
            }
            at = i;
        }
        return at;
    }

    /** The template with this id (or state key), or null. */
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
    public TemplateState templateState(String key) {
        Cluster c = clusters.get(key);
        return c == null ? null : state(c);
    }

    private static TemplateState state(Cluster c) {
        TemplateState t = new TemplateState();
        t.id = c.key;
        t.of = c.key.equals(c.id) ? null : c.id;
        t.template = c.text();
        t.count = c.count;
        t.lastSeen = c.lastSeen;
        t.path = List.of(Integer.toString(c.tokens.length));
        t.values = new ArrayList<>(c.values);
        t.merged = c.merged == null ? null : new ArrayList<>(c.merged);
        return t;
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
            // The template's own tokens place it (a state written by the tree-routed miner
            // before has a longer path; its template text is all that is needed).
            Cluster c = new Cluster(t.id, t.of == null ? t.id : t.of, tokenize(t.template));
            c.count = t.count;
            c.lastSeen = t.lastSeen;
            if (t.values != null) {
                for (String v : t.values) {
                    if (c.values.size() < MAX_VALUES) {
                        c.values.add(v);
                        m.knownValues.merge(v, 1, Integer::sum);
                    }
                }
            }
            if (t.merged != null && !t.merged.isEmpty()) {
                c.merged = new ArrayList<>(t.merged);
                for (String id : t.merged) {
                    m.aliases.put(id, c.id);
                }
            }
            m.byLength.computeIfAbsent(c.tokens.length, k -> new ArrayList<>()).add(c);
            m.clusters.put(c.key, c);
        }
        return m;
    }

    // ---- matching --------------------------------------------------------------------------

    /**
     * Lines a template must have taken before a plain word of it that no line has changed counts as
     * a constant of the event: a line that differs there is another event (a variable word would
     * most likely have changed by then).
     */
    static final int CONFIRMED = 3;

    /** Plain words a template remembers from its variable positions. */
    static final int MAX_VALUES = 8;

    private Cluster bestMatch(List<Cluster> candidates, String[] tokens) {
        boolean[] lineValue = new boolean[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            lineValue[i] = !informative(tokens[i]) || valueLike(tokens[i]);
        }
        Cluster best = null;
        double bestSim = -1;
        int bestParams = -1;
        for (Cluster c : candidates) {
            String[] t = c.tokens;
            int equal = 0;
            int params = 0;
            int counted = 0;
            boolean rejected = false;
            for (int i = 0; i < t.length && !rejected; i++) {
                String a = t[i];
                String b = tokens[i];
                if (isParam(a)) {
                    if (a.length() == WILDCARD.length()
                            || b.startsWith(a.substring(0, a.length() - WILDCARD.length()))) {
                        params++;
                        continue;
                    }
                } else if (a.equals(b)) {
                    if (c.informative[i]) {
                        equal++;
                        counted++;
                    }
                    continue;
                } else if (isDateWord(a) && isDateWord(b)) {
                    continue;
                }
                boolean va = c.value[i];
                boolean vb = lineValue[i];
                if (va && vb && valuesAreVariables) {
                    // Two values (a host name and an address, two ids): a variable position.
                    continue;
                }
                if ((quotedWords && (mustMatch(a) || mustMatch(b)))
                        || (i + 1 < t.length
                                && (namesValue(a, t[i + 1]) || namesValue(b, tokens[i + 1])))) {
                    rejected = true;
                    continue;
                }
                // Whole tokens: user=root is not the known value root, since the value of a
                // key=value field is as often a constant of the event (user=root beside
                // user=<*>) as a variable.
                boolean ka = knownValuesRule && !va && knownValues.containsKey(a);
                boolean kb = knownValuesRule && !vb && knownValues.containsKey(b);
                if (ka && kb) {
                    continue;
                }
                if (firstWord && i == 0 && !va && !vb) {
                    // A message's first word is what it is about (its subject or verb): a
                    // variable first token is a value (a package, a host, an address).
                    rejected = true;
                    continue;
                }
                if (confirmedConstants && !ka && !kb && !isParam(a) && c.count >= CONFIRMED) {
                    rejected = true;
                    continue;
                }
                counted++;
            }
            if (rejected) {
                continue;
            }
            double sim = counted == 0 ? 1.0 : (double) equal / counted;
            if (sim > bestSim
                    || (sim == bestSim && params > bestParams)
                    || (sim == bestSim && params == bestParams && c.key.compareTo(best.key) < 0)) {
                best = c;
                bestSim = sim;
                bestParams = params;
            }
        }
        // Strictly above the threshold: at exactly one half, a template of two or four words
        // takes any line that shares half of them, and one stray line spoils a whole group.
        if (!strictThreshold) {
            return bestSim >= config.similarity() ? best : null;
        }
        return bestSim > config.similarity() || bestSim == 1.0 ? best : null;
    }

    /** How many tokens more or fewer a line may have than a template it joins. */
    static final int MAX_LENGTH_SHIFT = 4;

    /**
     * The template of another length that this line is a form of, or null: the two agree token by
     * token from the start and from the end (equal, a variable of the template, or two values), and
     * what lies between is variable: in the template only variables and values (none if the line
     * has an optional part the template lacks), in the line only values and {@code key=value}
     * fields, or anything where the template already has a variable there (free text, a list). At
     * least two words must agree. The nearest length wins.
     */
    private Cluster alignedMatch(String[] tokens) {
        int n = tokens.length;
        for (int d = 1; d <= MAX_LENGTH_SHIFT; d++) {
            Cluster best = null;
            int bestWords = 0;
            for (int len : new int[] {n - d, n + d}) {
                List<Cluster> bucket = len > 0 ? byLength.get(len) : null;
                if (bucket == null) {
                    continue;
                }
                for (Cluster c : bucket) {
                    int words = aligned(c.tokens, tokens);
                    if (words > bestWords
                            || (words == bestWords && words > 0 && c.key.compareTo(best.key) < 0)) {
                        best = c;
                        bestWords = words;
                    }
                }
            }
            if (best != null) {
                return best;
            }
        }
        return null;
    }

    /** The words on which template t and line l agree if l is a form of t (see above), else 0. */
    private int aligned(String[] t, String[] l) {
        int m = t.length;
        int n = l.length;
        int min = Math.min(m, n);
        int words = 0;
        int p = 0;
        while (p < min && compatible(t[p], l[p])) {
            if (t[p].equals(l[p]) && informative(t[p])) {
                words++;
            }
            p++;
        }
        int s = 0;
        while (s < min - p && compatible(t[m - 1 - s], l[n - 1 - s])) {
            if (t[m - 1 - s].equals(l[n - 1 - s]) && informative(t[m - 1 - s])) {
                words++;
            }
            s++;
        }
        if (words < 2) {
            return 0;
        }
        if (freeTextTail && freeTail(t, l, p, s, words)) {
            return words;
        }
        boolean templateVariable = false;
        for (int i = p; i < m - s; i++) {
            if (t[i].equals(WILDCARD)) {
                templateVariable = true;
            } else if (!valueLike(t[i])) {
                return 0;
            }
        }
        if (!templateVariable) {
            for (int i = p; i < n - s; i++) {
                if (!valueLike(l[i]) && l[i].indexOf('=') <= 0) {
                    return 0;
                }
            }
        }
        return words;
    }

    /**
     * Whether template t and line l agree up to a token that ends with a colon and differ in all
     * that follows ({@code failed: disk full} / {@code failed: timeout}): a message that ends in
     * free text, whose word count varies.
     */
    private static boolean freeTail(String[] t, String[] l, int p, int s, int words) {
        return s == 0
                && p > 0
                && p < t.length
                && p < l.length
                && t[p - 1].endsWith(":")
                && t.length - p < words
                && l.length - p <= MAX_FREE_TAIL;
    }

    /** Tokens of free text a line may end with (see freeTail). */
    static final int MAX_FREE_TAIL = 6;

    /** Equal words over the first p and the last s tokens. */
    private static int prefixWords(String[] t, String[] l, int p, int s) {
        int words = 0;
        for (int i = 0; i < p; i++) {
            if (t[i].equals(l[i]) && informative(t[i])) {
                words++;
            }
        }
        for (int i = 1; i <= s; i++) {
            if (t[t.length - i].equals(l[l.length - i]) && informative(t[t.length - i])) {
                words++;
            }
        }
        return words;
    }

    /** Tokens that may stand at the same place in a template and a line of its event. */
    private static boolean compatible(String a, String b) {
        if (a.equals(b) || a.equals(WILDCARD) || (isDateWord(a) && isDateWord(b))) {
            return true;
        }
        if (isParam(a)) {
            return b.startsWith(a.substring(0, a.length() - WILDCARD.length()));
        }
        return valueLike(a) && valueLike(b);
    }

    /**
     * The tokens of a new form of template t from line l: the line's tokens, with the template's
     * variables (and values that differ) over the agreeing start and end, and the part between a
     * variable where the template has one there.
     */
    private String[] variantTokens(String[] t, String[] l) {
        int m = t.length;
        int n = l.length;
        String[] out = l.clone();
        int min = Math.min(m, n);
        int p = 0;
        while (p < min && compatible(t[p], l[p])) {
            if (!t[p].equals(l[p])) {
                out[p] = isParam(t[p]) ? t[p] : WILDCARD;
            }
            p++;
        }
        int s = 0;
        while (s < min - p && compatible(t[m - 1 - s], l[n - 1 - s])) {
            if (!t[m - 1 - s].equals(l[n - 1 - s])) {
                String a = t[m - 1 - s];
                out[n - 1 - s] = isParam(a) ? a : WILDCARD;
            }
            s++;
        }
        boolean templateVariable = freeTextTail && freeTail(t, l, p, s, prefixWords(t, l, p, s));
        for (int i = p; i < m - s; i++) {
            templateVariable |= t[i].equals(WILDCARD);
        }
        if (templateVariable) {
            for (int i = p; i < n - s; i++) {
                out[i] = WILDCARD;
            }
        }
        return out;
    }

    /**
     * A token that stands for a value rather than a word of the event: it has a digit or a
     * placeholder, or a dot inside it (host names, packages, class and file names).
     */
    static boolean valueLike(String token) {
        int n = token.length();
        for (int i = 0; i < n; i++) {
            char c = token.charAt(i);
            if ((c >= '0' && c <= '9') || c == '<') {
                return true;
            }
            if (c == '.' && i > 0 && i + 1 < n) {
                char before = token.charAt(i - 1);
                char after = token.charAt(i + 1);
                if (Character.isLetterOrDigit(before) && Character.isLetterOrDigit(after)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A quoted word that starts with a capital letter: an HTTP method of a request line ({@code
     * "GET}) or a state ({@code 'Active'}). Such a word tells events apart; a quoted name in lower
     * case ({@code "orders"}) is treated as any word.
     */
    static boolean mustMatch(String token) {
        if (token.length() < 3) {
            return false;
        }
        char q = token.charAt(0);
        if (q != '"' && q != '\'') {
            return false;
        }
        char c = token.charAt(1);
        return c >= 'A' && c <= 'Z';
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
        if (next.length() > 1 && (next.charAt(0) == '"' || next.charAt(0) == '\'')) {
            // A quoted value kept as it is (see PatternMasker#maskKeepingQuotes).
            return true;
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

    /**
     * Generalizes the template in place where it differs from {@code tokens}, and remembers the
     * plain words seen at its variable positions.
     */
    private boolean generalize(Cluster c, String[] tokens) {
        String[] template = c.tokens;
        boolean changed = false;
        for (int i = 0; i < template.length; i++) {
            String a = template[i];
            String b = tokens[i];
            if (a.equals(b)) {
                continue;
            }
            if (isParam(a)) {
                String key = a.substring(0, a.length() - WILDCARD.length());
                remember(c, b.substring(Math.min(key.length(), b.length())));
                if (key.isEmpty() || b.startsWith(key)) {
                    continue;
                }
                template[i] = WILDCARD;
                changed = true;
                continue;
            }
            String key = commonKey(a, b);
            if (key == null) {
                remember(c, a);
                remember(c, b);
            } else {
                remember(c, a.substring(key.length()));
                remember(c, b.substring(key.length()));
            }
            template[i] = key == null ? WILDCARD : key + WILDCARD;
            changed = true;
        }
        return changed;
    }

    /** Notes a plain word seen at a variable position of {@code c}. */
    private void remember(Cluster c, String word) {
        if (c.values.size() >= MAX_VALUES
                || word.isEmpty()
                || valueLike(word)
                || !informative(word)
                || c.values.contains(word)) {
            return;
        }
        c.values.add(word);
        knownValues.merge(word, 1, Integer::sum);
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
        Cluster c = clusters.values().iterator().next();
        remove(c);
        if (c.merged != null) {
            for (String id : c.merged) {
                aliases.remove(id);
            }
        }
        return c.key;
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
                int unitEnd = unitEnd(s, start, i);
                if (unitEnd > i) {
                    i = unitEnd;
                }
                out.add(s.substring(start, i));
            }
        }
        return out.toArray(new String[0]);
    }

    /**
     * Units that belong to the number before them: {@code <NUM> KB} is one value, so an optional
     * {@code (1.2 KB)} or a {@code <1 sec} against {@code 00:01} is one token like any value.
     */
    private static final java.util.Set<String> UNITS =
            java.util.Set.of(
                    "B", "KB", "kB", "MB", "GB", "TB", "KiB", "MiB", "GiB", "TiB", "bytes", "ms",
                    "us", "ns", "s", "sec", "secs", "seconds", "min", "mins", "minutes", "h",
                    "hours", "days", "%", "Mbps", "Gbps", "dBm");

    /**
     * Where a unit after the number token [start, end) ends (the unit joins the token), or {@code
     * end} when none follows: one space, then a unit word, possibly with closing punctuation.
     */
    private static int unitEnd(String s, int start, int end) {
        char last = s.charAt(end - 1);
        if (!(last == '>' || (last >= '0' && last <= '9'))
                || end + 1 >= s.length()
                || s.charAt(end) != ' ') {
            return end;
        }
        if (last == '>' && !s.startsWith(PatternMasker.NUM, end - PatternMasker.NUM.length())) {
            return end;
        }
        int j = end + 1;
        while (j < s.length() && s.charAt(j) > ' ') {
            j++;
        }
        int word = j;
        while (word > end + 1 && ").,;:".indexOf(s.charAt(word - 1)) >= 0) {
            word--;
        }
        return UNITS.contains(s.substring(end + 1, word)) ? j : end;
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
