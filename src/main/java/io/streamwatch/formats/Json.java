package io.streamwatch.formats;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;

/** The one Jackson configuration for reading input records. */
public final class Json {
    /** Deeper input is rejected as {@code too_deep}: no real log record nests this far. */
    public static final int MAX_NESTING = 64;

    private Json() {}

    /**
     * A factory that parses NaN and Infinity (so they are reported as {@code non_finite_number},
     * not as malformed JSON), detects duplicate keys, bounds nesting, and parses numbers fast.
     */
    public static JsonFactory inputFactory() {
        return inputFactory(true);
    }

    /**
     * The same factory, but its parsers leave duplicate keys to the caller: for readers that check
     * them more cheaply themselves ({@link JsonPathExtractor}).
     */
    static JsonFactory inputFactoryWithoutDuplicateDetection() {
        return inputFactory(false);
    }

    private static JsonFactory inputFactory(boolean detectDuplicates) {
        return JsonFactory.builder()
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .configure(StreamReadFeature.STRICT_DUPLICATE_DETECTION, detectDuplicates)
                // Jackson's bundled FastDoubleParser instead of Double.parseDouble (2.7% of the
                // job's CPU in a profile): the same correctly rounded double, sooner.
                .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                .streamReadConstraints(
                        StreamReadConstraints.builder()
                                .maxNestingDepth(MAX_NESTING)
                                // The record size limit bounds these; huge numbers in fields we
                                // skip must not reject a record.
                                .maxNumberLength(Integer.MAX_VALUE)
                                .maxStringLength(Integer.MAX_VALUE)
                                .build())
                .build();
    }
}
