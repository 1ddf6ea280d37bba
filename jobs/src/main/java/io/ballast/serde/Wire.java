package io.ballast.serde;

import io.ballast.avro.InstrumentKind;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;

/** Primitives of the hand-written layouts: bit-exact doubles, strings of any length, enums. */
final class Wire {

    private static final InstrumentKind[] KINDS = InstrumentKind.values();

    private Wire() {
    }

    /** The raw bits: NaN payloads and -0.0 survive (writeDouble would canonicalize NaN). */
    static void writeDouble(DataOutputView out, double v) throws IOException {
        out.writeLong(Double.doubleToRawLongBits(v));
    }

    static double readDouble(DataInputView in) throws IOException {
        return Double.longBitsToDouble(in.readLong());
    }

    /** Any length, null too (Flink's own string format). */
    static void writeString(DataOutputView out, String s) throws IOException {
        StringValue.writeString(s, out);
    }

    static String readString(DataInputView in) throws IOException {
        return StringValue.readString(in);
    }

    static void writeKind(DataOutputView out, InstrumentKind kind) throws IOException {
        out.writeByte(kind.ordinal());
    }

    static InstrumentKind readKind(DataInputView in) throws IOException {
        int ordinal = in.readUnsignedByte();
        if (ordinal >= KINDS.length) {
            throw new IOException("Unknown InstrumentKind ordinal " + ordinal);
        }
        return KINDS[ordinal];
    }
}
