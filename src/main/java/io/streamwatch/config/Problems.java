package io.streamwatch.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects every problem of one load, and attributes a problem to the job parameter that set the
 * value when there was one, so the user fixes the argument rather than searching the file.
 */
final class Problems {
    private final String file;
    private final Map<String, String> origins = new HashMap<>();
    // A set: one bad "--window-size" reported once, not once per pipeline it was applied to.
    private final Set<ConfigProblem> found = new LinkedHashSet<>();

    Problems(String file) {
        this.file = file;
    }

    /** Records that the value at {@code treePath} came from {@code source}. */
    void origin(String treePath, String source) {
        origins.put(treePath, source);
    }

    /** Adds a problem not tied to a value (syntax errors, unknown pipeline in an override). */
    void add(String where, String field, String message) {
        found.add(new ConfigProblem(file, where, field, message));
    }

    /**
     * Adds a problem about the values at {@code treePaths}; the first one set by an override gives
     * its source as {@code where}.
     */
    void at(String where, String field, String message, String... treePaths) {
        for (String path : treePaths) {
            String source = originOf(path);
            if (source != null) {
                where = source;
                break;
            }
        }
        add(where, field, message);
    }

    boolean isEmpty() {
        return found.isEmpty();
    }

    int size() {
        return found.size();
    }

    List<ConfigProblem> list() {
        return new ArrayList<>(found);
    }

    private String originOf(String treePath) {
        for (String p = treePath; !p.isEmpty(); p = parent(p)) {
            String source = origins.get(p);
            if (source != null) {
                return source;
            }
        }
        return null;
    }

    private static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut < 0 ? "" : path.substring(0, cut);
    }
}
