package io.ballast.domain;

import java.util.Comparator;

/**
 * The orders in which RocksDB returns map-state keys (the unsigned bytes of their serialized form). The
 * books iterate their records in these orders, so that a sum over records comes out the same to the last
 * bit whether the book was kept on the heap or read back from state.
 */
public final class StateKeyOrder {

    private StateKeyOrder() {
    }

    /** Long keys: big-endian two's complement, compared as unsigned bytes. */
    public static final Comparator<Long> LONGS = Long::compareUnsigned;

    /**
     * String keys in Flink's string format: length + 1, then each character, each as a base-128 varint
     * (low 7 bits first, the high bit set on every byte but the last). For two ASCII strings shorter than
     * 127 characters that is: shorter first, then by character.
     */
    public static final Comparator<String> STRINGS = (x, y) -> {
        if (x.length() < 127 && y.length() < 127 && isAscii(x) && isAscii(y)) {
            return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
        }
        return java.util.Arrays.compareUnsigned(serialized(x), serialized(y));
    };

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** The bytes of {@code s} in Flink's string format (StringValue.writeString). */
    static byte[] serialized(String s) {
        byte[] out = new byte[5 + 3 * s.length()];
        int n = varint(s.length() + 1, out, 0);
        for (int i = 0; i < s.length(); i++) {
            n = varint(s.charAt(i), out, n);
        }
        return java.util.Arrays.copyOf(out, n);
    }

    private static int varint(int v, byte[] out, int at) {
        while (v >= 0x80) {
            out[at++] = (byte) (v | 0x80);
            v >>>= 7;
        }
        out[at++] = (byte) v;
        return at;
    }
}
