package io.ballast.quant;

/**
 * The complementary error function erfc and its scaled form erfcx(x) = e^{x²}·erfc(x), from the
 * rational Chebyshev approximations of W. J. Cody, "Rational Chebyshev approximations for the error
 * function", Mathematics of Computation 23 (1969), pp. 631–638 (the coefficients below are those of
 * the paper, as published in Cody's SPECFUN/CALERF, March 1990; they approximate to at least 18
 * significant digits). Three intervals of |x|:
 * <ul>
 *   <li>|x| ≤ 0.46875: erf(x) = x·P₄(x²)/Q₄(x²);</li>
 *   <li>0.46875 &lt; |x| ≤ 4: erfcx(|x|) = P₈(|x|)/Q₈(|x|);</li>
 *   <li>|x| &gt; 4: erfcx(|x|) = (1/√π − z·P₅(z)/Q₅(z))/|x|, z = 1/x².</li>
 * </ul>
 * Where erfc needs e^{−x²}, the square is split exactly with an FMA (x² = p + e) and
 * e^{−x²} = e^{−p}(1 − e), so the exponential adds about one ulp instead of up to 2x² ulp; Cody's
 * original used two exponentials for the same purpose. Tests compare with 50-digit references.
 *
 * <p>This is the fast kernel behind {@link NormalDistribution} and the normalised Black function:
 * no allocation, no table lookups, one exponential at most.
 */
final class ErrorFunction {

  private static final double ONE_OVER_SQRT_PI = 0.5641895835477563;
  private static final double THRESHOLD = 0.46875;

  // erf(x) = x P(x²)/Q(x²), |x| <= 0.46875
  private static final double A0 = 3.16112374387056560E00;
  private static final double A1 = 1.13864154151050156E02;
  private static final double A2 = 3.77485237685302021E02;
  private static final double A3 = 3.20937758913846947E03;
  private static final double A4 = 1.85777706184603153E-1;
  private static final double B0 = 2.36012909523441209E01;
  private static final double B1 = 2.44024637934444173E02;
  private static final double B2 = 1.28261652607737228E03;
  private static final double B3 = 2.84423683343917062E03;

  // erfcx(y) = P(y)/Q(y), 0.46875 < y <= 4
  private static final double C0 = 5.64188496988670089E-1;
  private static final double C1 = 8.88314979438837594E00;
  private static final double C2 = 6.61191906371416295E01;
  private static final double C3 = 2.98635138197400131E02;
  private static final double C4 = 8.81952221241769090E02;
  private static final double C5 = 1.71204761263407058E03;
  private static final double C6 = 2.05107837782607147E03;
  private static final double C7 = 1.23033935479799725E03;
  private static final double C8 = 2.15311535474403846E-8;
  private static final double D0 = 1.57449261107098347E01;
  private static final double D1 = 1.17693950891312499E02;
  private static final double D2 = 5.37181101862009858E02;
  private static final double D3 = 1.62138957456669019E03;
  private static final double D4 = 3.29079923573345963E03;
  private static final double D5 = 4.36261909014324716E03;
  private static final double D6 = 3.43936767414372164E03;
  private static final double D7 = 1.23033935480374942E03;

  // erfcx(y) = (1/√π − z P(z)/Q(z))/y, z = 1/y², y > 4
  private static final double P0 = 3.05326634961232344E-1;
  private static final double P1 = 3.60344899949804439E-1;
  private static final double P2 = 1.25781726111229246E-1;
  private static final double P3 = 1.60837851487422766E-2;
  private static final double P4 = 6.58749161529837803E-4;
  private static final double P5 = 1.63153871373020978E-2;
  private static final double Q0 = 2.56852019228982242E00;
  private static final double Q1 = 1.87295284992346047E00;
  private static final double Q2 = 5.27905102951428412E-1;
  private static final double Q3 = 6.05183413124413191E-2;
  private static final double Q4 = 2.33520497626869185E-3;

  /** Beyond this, erfcx(y) = 1/(y√π) to double precision. */
  private static final double HUGE = 6.71e7;
  /** erfc(y) underflows to zero beyond this. */
  private static final double ERFC_ZERO = 27.3;

  private ErrorFunction() {
  }

  // The polynomials are evaluated by Estrin's scheme rather than Horner's: the same number of
  // operations, but a dependency chain half as long, which matters because the implied-volatility
  // solver calls these functions one after another.

  /** erf(x)/x for |x| ≤ 0.46875, with x2 = x². */
  private static double erfOverX(double x2) {
    double x4 = x2 * x2;
    double num = (A4 * x2 + A0) * x4 * x2 + (A1 * x2 + A2) * x2 + A3;
    double den = (x2 + B0) * x4 * x2 + (B1 * x2 + B2) * x2 + B3;
    return num / den;
  }

  /** erfcx(y) for 0.46875 &lt; y ≤ 4. */
  private static double erfcxMiddle(double y) {
    double y2 = y * y;
    double y4 = y2 * y2;
    // C8 y⁸ + C0 y⁷ + C1 y⁶ + ... + C6 y + C7
    double n01 = C6 * y + C7;
    double n23 = C4 * y + C5;
    double n45 = C2 * y + C3;
    double n67 = C0 * y + C1;
    double num = ((C8 * y4 + (n67 * y2 + n45)) * y4) + (n23 * y2 + n01);
    // y⁸ + D0 y⁷ + D1 y⁶ + ... + D6 y + D7
    double d01 = D6 * y + D7;
    double d23 = D4 * y + D5;
    double d45 = D2 * y + D3;
    double d67 = (y + D0) * y + D1;
    double den = (d67 * y2 + d45) * y4 + (d23 * y2 + d01);
    return num / den;
  }

  /** erfcx(y) for y &gt; 4. */
  private static double erfcxTail(double y) {
    if (y >= HUGE) {
      return ONE_OVER_SQRT_PI / y;
    }
    double z = 1.0 / (y * y);
    double z2 = z * z;
    // P5 z⁵ + P0 z⁴ + P1 z³ + P2 z² + P3 z + P4
    double num = ((P5 * z + P0) * z2 + (P1 * z + P2)) * z2 + (P3 * z + P4);
    // z⁵ + Q0 z⁴ + Q1 z³ + Q2 z² + Q3 z + Q4
    double den = ((z + Q0) * z2 + (Q1 * z + Q2)) * z2 + (Q3 * z + Q4);
    return (ONE_OVER_SQRT_PI - z * num / den) / y;
  }

  /** e^{−y²} with the square split exactly, accurate to about one ulp. */
  static double expMinusSquare(double y) {
    double p = y * y;
    double e = Math.fma(y, y, -p);
    double v = Math.exp(-p);
    return Math.fma(-e, v, v);
  }

  /** e^{y²}, the square split exactly (overflows to +∞ beyond y ≈ 26.6). */
  static double expSquare(double y) {
    double p = y * y;
    double e = Math.fma(y, y, -p);
    double v = Math.exp(p);
    return Math.fma(e, v, v);
  }

  /**
   * erfcx(x) = e^{x²} erfc(x); decreasing, ≈ 1/(x√π) for large x, 2e^{x²} for very negative x
   * (+∞ below x ≈ −26.6).
   */
  static double erfcx(double x) {
    double y = Math.abs(x);
    double r;
    if (y <= THRESHOLD) {
      double x2 = x * x;
      return Math.exp(x2) * (1.0 - x * erfOverX(x2));
    } else if (y <= 4.0) {
      r = erfcxMiddle(y);
    } else {
      r = erfcxTail(y);
    }
    return x < 0 ? 2.0 * expSquare(y) - r : r;
  }

  /** erfc(x) = 1 − erf(x), with full relative accuracy in the right tail (0 beyond x ≈ 27.3). */
  static double erfc(double x) {
    double y = Math.abs(x);
    double r;
    if (y <= THRESHOLD) {
      return 1.0 - x * erfOverX(x * x);
    } else if (y <= 4.0) {
      r = expMinusSquare(y) * erfcxMiddle(y);
    } else if (y < ERFC_ZERO) {
      r = expMinusSquare(y) * erfcxTail(y);
    } else {
      r = 0.0;
    }
    return x < 0 ? 2.0 - r : r;
  }

  /** erf(x). */
  static double erf(double x) {
    double y = Math.abs(x);
    if (y <= THRESHOLD) {
      return x * erfOverX(x * x);
    }
    double r = 1.0 - erfc(y);
    return x < 0 ? -r : r;
  }
}
