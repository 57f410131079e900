package io.streamwatch.config;

/**
 * One thing wrong with a configuration, located precisely enough to fix without searching: the
 * file, the section or job parameter it came from, and the field.
 *
 * @param file the config file as the user named it
 * @param where the section ({@code kafka}, {@code alerts}, {@code pipeline 'app-logs'}), the job
 *     parameter when the value came from one ({@code --window-size}), a line and column for syntax
 *     errors, or empty for top-level keys
 * @param field dotted path relative to {@code where} ({@code window.size}); may be empty
 * @param message what is wrong and, where possible, how to fix it
 */
public record ConfigProblem(String file, String where, String field, String message) {

    /** One readable line: {@code file: where: field: message}, empty parts left out. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (String part : new String[] {file, where, field}) {
            if (part != null && !part.isEmpty()) {
                out.append(part).append(": ");
            }
        }
        return out.append(message).toString();
    }
}
