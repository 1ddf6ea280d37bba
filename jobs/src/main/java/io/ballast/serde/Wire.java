package io.ballast.serde;

import io.ballast.avro.InstrumentKind;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Primitives of the hand-written layouts: bit-exact doubles, UTF-8 strings of any length, enums. */
final class Wire {

    /** The encoding of the primitives below: change it with them (the serializers' snapshots record it). */
    static final int FORMAT = 1;

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

    /**
     * UTF-8 of any length, null too: the byte count plus one (0 for null) as a var-int, then the bytes.
     * Bulk copies, faster than Flink's char-by-char {@code StringValue}. Like Avro's own encoding, an
     * unpaired surrogate (not valid Unicode; never in a string Avro decoded) becomes '?'.
     */
    static void writeString(DataOutputView out, String s) throws IOException {
        if (s == null) {
            out.writeByte(0);
            return;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        writeVarInt(out, utf8.length + 1);
        out.write(utf8);
    }

    static String readString(DataInputView in) throws IOException {
        int n = readVarInt(in) - 1;
        if (n < 0) {
            return null;
        }
        byte[] utf8 = new byte[n];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    /** Unsigned, 7 bits a byte, least significant first. */
    static void writeVarInt(DataOutputView out, int v) throws IOException {
        while ((v & ~0x7f) != 0) {
            out.writeByte((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.writeByte(v);
    }

    static int readVarInt(DataInputView in) throws IOException {
        int v = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = in.readUnsignedByte();
            v |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IOException("Malformed var-int");
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
