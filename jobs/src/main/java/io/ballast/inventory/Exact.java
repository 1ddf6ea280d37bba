package io.ballast.inventory;

import io.ballast.avro.internal.ExactDecimal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;

/**
 * Exact sums of doubles. Every finite double is a decimal with a finite expansion, so
 * {@code new BigDecimal(double)} is exact and so is the sum: a position is the same number whatever
 * the order its fills arrive in, and rounds to a double once, when it is read.
 */
public final class Exact {

    public static final ExactDecimal ZERO = of(BigDecimal.ZERO);

    private Exact() {
    }

    public static ExactDecimal of(BigDecimal value) {
        BigDecimal v = value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
        return ExactDecimal.newBuilder()
                .setUnscaled(ByteBuffer.wrap(v.unscaledValue().toByteArray()))
                .setScale(v.scale())
                .build();
    }

    public static BigDecimal value(ExactDecimal d) {
        ByteBuffer b = d.getUnscaled().duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return new BigDecimal(new BigInteger(bytes), d.getScale());
    }

    /** {@code d + x}, exactly. */
    public static ExactDecimal plus(ExactDecimal d, double x) {
        if (!Double.isFinite(x)) {
            throw new IllegalArgumentException("Cannot add a non-finite value exactly: " + x);
        }
        return of(value(d).add(new BigDecimal(x)));
    }

    /** {@code d + x * y}, exactly. */
    public static ExactDecimal plusProduct(ExactDecimal d, double x, double y) {
        if (!Double.isFinite(x) || !Double.isFinite(y)) {
            throw new IllegalArgumentException("Cannot add a non-finite product exactly: " + x + " * " + y);
        }
        return of(value(d).add(new BigDecimal(x).multiply(new BigDecimal(y))));
    }

    /**
     * The double nearest to the exact value (ties to even), as {@code BigDecimal.doubleValue()} but
     * without its detour through a decimal string (Java 17), which dominated marking a book to market.
     */
    public static double toDouble(ExactDecimal d) {
        ByteBuffer b = d.getUnscaled().duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return toDouble(new BigInteger(bytes), d.getScale());
    }

    private static final int POW10_CACHE = 400;
    private static final BigInteger[] POW10 = new BigInteger[POW10_CACHE];

    private static BigInteger pow10(int n) {
        if (n >= POW10_CACHE) {
            return BigInteger.TEN.pow(n);
        }
        BigInteger p = POW10[n];
        if (p == null) {
            p = BigInteger.TEN.pow(n);
            POW10[n] = p; // benign race: every thread computes the same value
        }
        return p;
    }

    /** unscaled × 10^-scale, correctly rounded. */
    static double toDouble(BigInteger unscaled, int scale) {
        int sign = unscaled.signum();
        if (sign == 0) {
            return 0.0;
        }
        if (scale <= 0 || scale >= POW10_CACHE) {
            return new BigDecimal(unscaled, scale).doubleValue(); // integers and the far-fetched: the JDK
        }
        BigInteger n = unscaled.abs();
        BigInteger den = pow10(scale);
        // n·2^shift / den has 64 to 66 bits: far more than the 53 of a double, plus a sticky bit below.
        int shift = 65 - (n.bitLength() - den.bitLength());
        BigInteger[] qr = shift >= 0 ? n.shiftLeft(shift).divideAndRemainder(den)
                : n.divideAndRemainder(den.shiftLeft(-shift));
        BigInteger q = qr[0];
        boolean sticky = qr[1].signum() != 0;
        int excess = q.bitLength() - 62; // keep 62 bits: a positive long
        if (excess > 0) {
            sticky |= q.getLowestSetBit() < excess;
            q = q.shiftRight(excess);
        } else {
            excess = 0;
        }
        long m = q.longValue();
        if (sticky) {
            m |= 1; // below the rounding position of (double) m: makes a false tie round the right way
        }
        int exponent = excess - shift; // value = m · 2^exponent
        double r = Math.scalb((double) m, exponent);
        if (!(Math.abs(r) >= Double.MIN_NORMAL) || Double.isInfinite(r)) {
            return new BigDecimal(unscaled, scale).doubleValue(); // subnormal or overflow: double rounding
        }
        return sign < 0 ? -r : r;
    }

    public static boolean isZero(ExactDecimal d) {
        return value(d).signum() == 0;
    }
}
