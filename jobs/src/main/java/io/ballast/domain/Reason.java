package io.ballast.domain;

import java.util.Locale;

/**
 * Builds the human-readable {@code reason} of a signal. Numbers are written like
 * {@code String.format("%.<n>g")} (the same digits, tested against it), at a fraction of its cost:
 * the formatter parses its pattern and goes through a decimal expansion on every call, and a busy
 * inventory operator writes several numbers per signal.
 */
public final class Reason {

    private static final double[] POW10 = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    private final StringBuilder sb = new StringBuilder(160);

    public Reason text(String s) {
        sb.append(s);
        return this;
    }

    /** {@code x} with {@code significant} digits (1 to 15), as {@code %.<significant>g} writes it. */
    public Reason num(double x, int significant) {
        append(sb, x, significant);
        return this;
    }

    @Override
    public String toString() {
        return sb.toString();
    }

    static void append(StringBuilder sb, double x, int sig) {
        if (sig < 1 || sig > 15) {
            throw new IllegalArgumentException("significant digits must be 1 to 15, got " + sig);
        }
        if (!Double.isFinite(x)) {
            sb.append(Double.isNaN(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity");
            return;
        }
        double a = Math.abs(x);
        if (a == 0) {
            if (Double.doubleToRawLongBits(x) != 0) {
                sb.append('-');
            }
            fixed(sb, 0, sig - 1);
            return;
        }
        int e = (int) Math.floor(Math.log10(a));
        long m = scaled(a, sig - 1 - e);
        if (m >= (long) POW10[sig]) { // log10 a hair low, or rounding carried into a new digit
            e++;
            m = scaled(a, sig - 1 - e);
        } else if (m < (long) POW10[sig - 1]) { // log10 a hair high
            e--;
            m = scaled(a, sig - 1 - e);
            if (m >= (long) POW10[sig]) {
                e++;
                m = scaled(a, sig - 1 - e);
            }
        }
        if (m < 0 || e < -4 || e >= sig) {
            // Scientific notation (or out of the table's range): rare in a reason; the formatter does it.
            sb.append(String.format(Locale.ROOT, "%." + sig + "g", x));
            return;
        }
        if (x < 0) {
            sb.append('-');
        }
        fixed(sb, m, sig - 1 - e);
    }

    /** m · 10^-d rounded half up to an integer; -1 when 10^|d| is out of the exact range. */
    private static long scaled(double a, int d) {
        if (d >= POW10.length || -d >= POW10.length) {
            return -1;
        }
        return d >= 0 ? Math.round(a * POW10[d]) : Math.round(a / POW10[-d]);
    }

    /** The integer m with {@code decimals} digits after the point. */
    private static void fixed(StringBuilder sb, long m, int decimals) {
        String digits = Long.toString(m);
        if (decimals <= 0) {
            sb.append(digits);
            return;
        }
        int intDigits = digits.length() - decimals;
        if (intDigits <= 0) {
            sb.append("0.");
            for (int i = intDigits; i < 0; i++) {
                sb.append('0');
            }
            sb.append(digits);
        } else {
            sb.append(digits, 0, intDigits).append('.').append(digits, intDigits, digits.length());
        }
    }
}
