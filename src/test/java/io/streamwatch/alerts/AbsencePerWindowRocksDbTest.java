package io.streamwatch.alerts;

/** {@link AbsencePerWindowTest} with the keyed state in RocksDB. */
class AbsencePerWindowRocksDbTest extends AbsencePerWindowTest {
    @Override
    boolean rocksDb() {
        return true;
    }
}
