package io.ballast.stages;

import io.ballast.domain.StateKeyOrder;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The write-through store of both stages: what a book puts or removes is in keyed state at once, a book
 * loaded from state (heap or RocksDB, after a snapshot and restore) sees the same records in the same
 * order, and the heap copy holds the very objects that were put.
 */
class StateTableTest {

    /** Input "key:op:field[:value]" with op put or del and field k (map) or v (value). Emits the table as text. */
    static final class Tables extends KeyedProcessFunction<String, String, String> {
        private transient MapState<String, String> map;
        private transient ValueState<String> value;
        private transient BookCache<Object[]> books;

        @Override
        public void open(OpenContext openContext) {
            map = getRuntimeContext().getMapState(new MapStateDescriptor<>("map", Types.STRING, Types.STRING));
            value = getRuntimeContext().getState(new ValueStateDescriptor<>("value", Types.STRING));
            books = new BookCache<>(Long.MAX_VALUE, b -> 1);
        }

        @Override
        public void processElement(String in, Context ctx, Collector<String> out) {
            String[] p = in.split(":", -1);
            Object[] book = books.get(p[0], () -> new Object[] {StateTable.load(map, StateKeyOrder.STRINGS),
                    StateTable.StateCell.load(value)});
            @SuppressWarnings("unchecked")
            StateTable<String, String> table = (StateTable<String, String>) book[0];
            @SuppressWarnings("unchecked")
            StateTable.StateCell<String> cell = (StateTable.StateCell<String>) book[1];
            if (p[1].equals("put")) {
                table.put(p[2], p[3]);
                cell.set(p[3]);
            } else if (p[1].equals("del")) {
                table.remove(p[2]);
            }
            out.collect(p[0] + " " + table.entries() + " " + cell.get());
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, String, String> harness(OperatorSubtaskState restored,
                                                                                        boolean rocksDb) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, String, String> h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new Tables()), s -> s.substring(0, s.indexOf(':')), Types.STRING);
        if (rocksDb) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        if (restored != null) {
            h.initializeState(restored);
        }
        h.open();
        return h;
    }

    @Test
    void writesGoThroughAndABookReadBackSeesTheSameRecordsInTheSameOrder() throws Exception {
        for (boolean rocksDb : new boolean[] {false, true}) {
            KeyedOneInputStreamOperatorTestHarness<String, String, String> h = harness(null, rocksDb);
            for (String s : List.of("a:put:BTC-100000-C:1", "a:put:BTC-95000-P:2", "b:put:x:9", "a:put:BTC-100000-P:3",
                    "a:del:BTC-95000-P", "a:put:é:4")) {
                h.processElement(s, 0);
            }
            String cached = h.extractOutputValues().get(5);
            OperatorSubtaskState snapshot = h.snapshot(1, 1);
            h.close();
            KeyedOneInputStreamOperatorTestHarness<String, String, String> restored = harness(snapshot, rocksDb);
            restored.processElement("a:get", 0);
            restored.processElement("b:get", 0);
            assertThat(restored.extractOutputValues()).containsExactly(cached, "b [x=9] 9");
            assertThat(cached).isEqualTo("a [é=4, BTC-100000-C=1, BTC-100000-P=3] 4"); // shorter keys first, as RocksDB returns them
            restored.close();
        }
    }

    @Test
    void theStringOrderIsTheOrderOfFlinksSerializedKeys() throws Exception {
        Random random = new Random(11);
        List<String> keys = new ArrayList<>(List.of("", "a", "b", "ab", "BTC-100000-C", "BTC-95000-P", "é", "€uro",
                "x".repeat(126), "x".repeat(127), "x".repeat(200), "\u0080", "\u07ff", "\uffff"));
        for (int i = 0; i < 300; i++) {
            char[] c = new char[random.nextInt(140)];
            for (int j = 0; j < c.length; j++) {
                c[j] = (char) (random.nextInt(4) == 0 ? random.nextInt(0x3000) : 32 + random.nextInt(95));
            }
            keys.add(new String(c));
        }
        for (String x : keys) {
            for (String y : keys) {
                int expected = Integer.signum(Arrays.compareUnsigned(flink(x), flink(y)));
                assertThat(Integer.signum(StateKeyOrder.STRINGS.compare(x, y))).as("%s vs %s", x, y).isEqualTo(expected);
            }
        }
    }

    private static byte[] flink(String s) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(16);
        StringSerializer.INSTANCE.serialize(s, out);
        return out.getCopyOfBuffer();
    }
}
