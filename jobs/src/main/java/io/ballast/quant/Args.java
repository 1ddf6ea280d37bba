package io.ballast.quant;

/** Argument checks shared by the quant classes; the message always echoes the bad value. */
final class Args {

  private Args() {
  }

  static double positive(double value, String name) {
    if (!(value > 0 && value < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(name + " must be positive and finite, was " + value);
    }
    return value;
  }

  /** {@link #positive(double, String)} of {@code values[i]}, the name {@code array[i]} written only on failure. */
  static double positive(double[] values, int i, String array) {
    double value = values[i];
    if (!(value > 0 && value < Double.POSITIVE_INFINITY)) {
      positive(value, array + "[" + i + "]");
    }
    return value;
  }

  /** {@link #nonNegative(double, String)} of {@code values[i]}, the name written only on failure. */
  static double nonNegative(double[] values, int i, String array) {
    double value = values[i];
    if (!(value >= 0 && value < Double.POSITIVE_INFINITY)) {
      nonNegative(value, array + "[" + i + "]");
    }
    return value;
  }

  static double nonNegative(double value, String name) {
    if (!(value >= 0 && value < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(name + " must be non-negative and finite, was " + value);
    }
    return value;
  }

  static double finite(double value, String name) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(name + " must be finite, was " + value);
    }
    return value;
  }
}
