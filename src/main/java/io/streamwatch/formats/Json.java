package io.streamwatch.formats;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.RecyclerPool;
import java.util.concurrent.atomic.AtomicReference;

/** The one Jackson configuration for reading input records. */
public final class Json {
    /** Deeper input is rejected as {@code too_deep}: no real log record nests this far. */
    public static final int MAX_NESTING = 64;

    private Json() {}

    /**
     * A factory that parses NaN and Infinity (so they are reported as {@code non_finite_number},
     * not as malformed JSON), detects duplicate keys, bounds nesting, and parses numbers fast. Each
     * factory keeps its parsers' buffers itself ({@link OneRecyclerPool}): make one factory per
     * parallel instance.
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
                .recyclerPool(new OneRecyclerPool())
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

    /**
     * Lends a factory's parsers one set of buffers, kept by the factory. Jackson's default keeps
     * them per thread, behind a soft reference in a thread-local: its look-up in the task thread's
     * crowded thread-local map, once per record, took up to 2% of the job's CPU. A parser returns
     * the buffers when it is closed, so a factory used by one thread at a time (a decoder per
     * parallel instance) creates them once; should two threads share a factory, the second gets
     * buffers of its own, which are dropped after use.
     */
    static final class OneRecyclerPool implements RecyclerPool<BufferRecycler> {
        private static final long serialVersionUID = 1L;

        private final AtomicReference<BufferRecycler> free = new AtomicReference<>();

        @Override
        public BufferRecycler acquirePooled() {
            BufferRecycler r = free.getAndSet(null);
            return r != null ? r : new BufferRecycler();
        }

        @Override
        public void releasePooled(BufferRecycler r) {
            // An ordered store, not a volatile one (no full fence per record): whoever takes the
            // buffers next still sees them whole, through getAndSet.
            free.lazySet(r);
        }
    }
}
