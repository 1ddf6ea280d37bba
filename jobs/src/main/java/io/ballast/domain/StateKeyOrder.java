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
    public static final Comparator<String> STRINGS = StateKeyOrder::compareStrings;

    /**
     * Both shorter than 127 characters: the length byte decides, else the first differing character when
     * both are ASCII (equal characters encode to equal bytes, an ASCII character to itself). Anything else
     * compares the encoded bytes.
     */
    private static int compareStrings(String x, String y) {
        int lx = x.length();
        int ly = y.length();
        if (lx < 127 && ly < 127) {
            if (lx != ly) {
                return Integer.compare(lx, ly);
            }
            for (int i = 0; i < lx; i++) {
                char a = x.charAt(i);
                char b = y.charAt(i);
                if (a != b) {
                    return a < 0x80 && b < 0x80 ? Integer.compare(a, b)
                            : java.util.Arrays.compareUnsigned(serialized(x), serialized(y));
                }
            }
            return 0;
        }
        return java.util.Arrays.compareUnsigned(serialized(x), serialized(y));
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
