package io.streamwatch.config;

/**
 * One value that replaces (or adds to) what the config file says, such as a job parameter.
 *
 * @param path config path: {@code kafka.group_id}, {@code kafka.properties.<client.key>}, {@code
 *     pipelines.<name|*>.window.size}, ...
 * @param value the value as text; list fields ({@code group_by}, {@code rules}) take
 *     comma-separated items
 * @param source what problems with it are attributed to, e.g. {@code --window-size}
 */
public record ConfigOverride(String path, String value, String source) {

    /** An override that problems attribute to its own path. */
    public static ConfigOverride of(String path, String value) {
        return new ConfigOverride(path, value, path);
    }
}
