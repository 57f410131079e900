package io.streamwatch.operators;

import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * An operator's watermark in its checkpoint, so that a restored job does not start its event time
 * from nothing: Flink's watermarks are not part of the state, and after a restore the sources build
 * theirs from the records they read again. Every subtask stores its own (union list state); a
 * restored subtask takes the highest, since after a rescale it may get any of the others' keys or
 * partitions, and every subtask had seen the same watermarks before an aligned barrier.
 */
public final class CheckpointedWatermark {
    private final ListState<Long> state;

    private CheckpointedWatermark(ListState<Long> state) {
        this.state = state;
    }

    /** Registers the state, named {@code watermark}, in the operator's state store. */
    public static CheckpointedWatermark register(OperatorStateStore store) throws Exception {
        return new CheckpointedWatermark(
                store.getUnionListState(new ListStateDescriptor<>("watermark", Types.LONG)));
    }

    /** The highest watermark of the restored subtasks, or {@link Long#MIN_VALUE}. */
    public long restored() throws Exception {
        long highest = Long.MIN_VALUE;
        for (Long w : state.get()) {
            highest = Math.max(highest, w);
        }
        return highest;
    }

    /** Stores this subtask's watermark in the checkpoint being taken. */
    public void save(long watermark) throws Exception {
        state.update(List.of(watermark));
    }
}
