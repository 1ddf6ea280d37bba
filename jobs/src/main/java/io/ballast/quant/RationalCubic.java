package io.ballast.quant;

/**
 * Rational cubic interpolation of Delbourgo and Gregory (1983), "C² rational quadratic spline
 * interpolation to monotonic data", IMA Journal of Numerical Analysis 3; the form used by Jäckel in
 * "Let's Be Rational" for the initial guess. On [xl, xr] with values yl, yr, slopes dl, dr and
 * control parameter r, with s = (x − xl)/(xr − xl) and h = xr − xl:
 * <pre>
 *   y(x) = [yr s³ + (r yr − h dr) s²(1−s) + (r yl + h dl) s(1−s)² + yl (1−s)³] / [1 + (r − 3) s(1−s)]
 * </pre>
 * r = 3 gives the cubic Hermite interpolant; r → ∞ the straight line. The interpolant is monotone when
 * r ≥ (dl + dr)/Δ, Δ = (yr − yl)/h. The second derivative at the left end is
 * [2r(Δy − h dl) − 2h(dr − dl)]/h² (derived by differentiating the quotient), which gives r for a
 * prescribed curvature at either end.
 */
final class RationalCubic {

  private static final double MAX_CONTROL = 1.0 / 0x1p-52;

  private RationalCubic() {
  }

  static double value(double x, double xl, double xr, double yl, double yr, double dl, double dr,
      double r) {
    double h = xr - xl;
    if (!(Math.abs(h) > 0)) {
      return 0.5 * (yl + yr);
    }
    double s = (x - xl) / h;
    double oms = 1.0 - s;
    double s2 = s * s;
    double omt2 = oms * oms;
    double numerator = yr * s2 * s + (r * yr - h * dr) * s2 * oms + (r * yl + h * dl) * s * omt2
        + yl * omt2 * oms;
    return numerator / (1.0 + (r - 3.0) * s * oms);
  }

  /** r such that the second derivative at the left end equals {@code curvature}, kept monotone. */
  static double controlForLeftCurvature(double xl, double xr, double yl, double yr, double dl,
      double dr, double curvature) {
    double h = xr - xl;
    double dy = yr - yl;
    double r = (0.5 * h * h * curvature + h * (dr - dl)) / (dy - h * dl);
    return clamp(r, h, dy, dl, dr);
  }

  /** r such that the second derivative at the right end equals {@code curvature}, kept monotone. */
  static double controlForRightCurvature(double xl, double xr, double yl, double yr, double dl,
      double dr, double curvature) {
    double h = xr - xl;
    double dy = yr - yl;
    double r = (0.5 * h * h * curvature + h * (dr - dl)) / (h * dr - dy);
    return clamp(r, h, dy, dl, dr);
  }

  private static double clamp(double r, double h, double dy, double dl, double dr) {
    double minimum = 0.0;
    double sign = dy * h; // sign of the secant slope
    if (sign != 0 && dl * sign >= 0 && dr * sign >= 0) {
      minimum = (dl + dr) * h / dy; // monotonicity (Delbourgo–Gregory): r ≥ (dl + dr)/Δ
    }
    if (!(minimum < MAX_CONTROL)) {
      minimum = MAX_CONTROL;
    }
    if (!(r >= minimum)) { // also catches NaN
      return minimum;
    }
    return Math.min(r, MAX_CONTROL);
  }
}
