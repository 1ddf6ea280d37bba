package io.ballast.quant;

/**
 * Raw SVI parameters of one expiry (Gatheral, "A parsimonious arbitrage-free implied volatility
 * parameterization", 2004): total implied variance as a function of log-moneyness k = ln(K/F),
 * <pre>
 *   w(k) = a + b·(ρ·(k − m) + √((k − m)² + σ²)).
 * </pre>
 *
 * @param a  level (total variance), any sign as long as the minimum a + bσ√(1 − ρ²) is ≥ 0
 * @param b  slope scale, ≥ 0; the wings have slopes b(1 ± ρ)
 * @param rho  skew, in [−1, 1]
 * @param m  horizontal shift (log-moneyness)
 * @param sigma  smoothness at the vertex, &gt; 0
 */
public record SviParameters(double a, double b, double rho, double m, double sigma) {

  /** Checks the parameters. */
  public SviParameters {
    Args.finite(a, "a");
    Args.nonNegative(b, "b");
    if (!(rho >= -1.0 && rho <= 1.0)) {
      throw new IllegalArgumentException("rho must be in [-1, 1], was " + rho);
    }
    Args.finite(m, "m");
    Args.positive(sigma, "sigma");
  }

  /** The parameters (a, b, ρ, m, σ). */
  public static SviParameters of(double a, double b, double rho, double m, double sigma) {
    return new SviParameters(a, b, rho, m, sigma);
  }

  /** w(k), total implied variance at log-moneyness k = ln(K/F). */
  public double totalVariance(double k) {
    double u = k - m;
    return a + b * (rho * u + Math.sqrt(u * u + sigma * sigma));
  }

  /** dw/dk. */
  public double slope(double k) {
    double u = k - m;
    return b * (rho + u / Math.sqrt(u * u + sigma * sigma));
  }

  /** d²w/dk². */
  public double curvature(double k) {
    double u = k - m;
    double r2 = u * u + sigma * sigma;
    return b * sigma * sigma / (r2 * Math.sqrt(r2));
  }

  /** The minimum of w over all k: a + bσ√(1 − ρ²). */
  public double minimumTotalVariance() {
    return a + b * sigma * Math.sqrt(Math.max(0.0, 1.0 - rho * rho));
  }
}
