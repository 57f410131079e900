package io.streamwatch.alerts;

/** {@link OverSpanTest} with the keyed state in RocksDB, as the job keeps it. */
class OverSpanRocksDbTest extends OverSpanTest {
    @Override
    boolean rocksDb() {
        return true;
    }
}
