package io.ballast.domain;

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

    /** The double nearest to the exact value. */
    public static double toDouble(ExactDecimal d) {
        return value(d).doubleValue();
    }

    public static boolean isZero(ExactDecimal d) {
        return value(d).signum() == 0;
    }
}
