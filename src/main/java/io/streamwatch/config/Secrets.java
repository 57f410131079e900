package io.streamwatch.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps Kafka secrets out of files, arguments and logs: resolves {@code ${env:NAME}} and {@code
 * ${file:PATH}} references in client properties when the config loads, and masks secret-looking
 * values wherever properties are shown.
 */
public final class Secrets {
    /** What a secret value is shown as. */
    public static final String MASK = "******";

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]*)}");
    private static final String[] SECRET_WORDS = {"password", "secret", "jaas", "key"};

    private Secrets() {}

    /** Whether a property of that name may hold a secret, and so is never shown. */
    public static boolean isSecretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        for (String word : SECRET_WORDS) {
            if (k.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A copy of {@code properties} safe to log: secret-looking values replaced by {@link #MASK}.
     */
    public static Map<String, String> redact(Map<String, String> properties) {
        Map<String, String> out = new LinkedHashMap<>();
        properties.forEach((k, v) -> out.put(k, isSecretKey(k) ? MASK : v));
        return out;
    }

    /**
     * Replaces every {@code ${env:NAME}} and {@code ${file:PATH}} in {@code value}. A file's
     * trailing line break is dropped (editors add one); a relative path is read from {@code
     * baseDir}. Kinds named in {@code kafkaProviders} (the client's own {@code config.providers})
     * are left for the Kafka client to resolve.
     *
     * @throws IllegalArgumentException naming the variable or file, never showing a value
     */
    static String resolve(
            String value, Function<String, String> env, Path baseDir, Set<String> kafkaProviders) {
        Matcher m = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String kind = m.group(1);
            String ref = m.group(2);
            String replacement;
            if (kafkaProviders.contains(kind)) {
                replacement = m.group();
            } else if (kind.equals("env")) {
                replacement = env.apply(ref);
                if (replacement == null) {
                    throw new IllegalArgumentException(
                            "environment variable "
                                    + ref
                                    + " is not set (referenced as ${env:"
                                    + ref
                                    + "})");
                }
            } else {
                replacement = readFile(baseDir, ref);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String readFile(Path baseDir, String ref) {
        try {
            Path path = baseDir == null ? Path.of(ref) : baseDir.resolve(ref);
            String text = Files.readString(path, StandardCharsets.UTF_8);
            return text.replaceFirst("\\r?\\n$", "");
        } catch (IOException | RuntimeException e) {
            // The exception's class is enough to tell "missing" from "not allowed"; its message
            // could quote file content for some encodings errors, so it is left out.
            throw new IllegalArgumentException(
                    "cannot read secret file " + ref + " (" + e.getClass().getSimpleName() + ")");
        }
    }
}
