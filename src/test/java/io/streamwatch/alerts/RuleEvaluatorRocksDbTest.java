package io.streamwatch.alerts;

/**
 * {@link RuleEvaluatorTest} with the keyed state in RocksDB, where a read returns a fresh copy and
 * a changed object counts only once written: the evaluator's heap copy of its alert state (see
 * {@link AlertStore}) must not change any outcome.
 */
class RuleEvaluatorRocksDbTest extends RuleEvaluatorTest {
    @Override
    boolean rocksDb() {
        return true;
    }
}
