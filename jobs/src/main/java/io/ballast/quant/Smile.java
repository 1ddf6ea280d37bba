package io.ballast.quant;

/**
 * The implied-volatility smile of one expiry, in total variance w = σ²τ against log-moneyness
 * k = ln(K/F), with the quantities CONTRACT.md publishes. Immutable and thread-safe.
 *
 * <p>Two shapes: raw SVI (see {@link SviParameters}), fitted when at least five strikes are quoted,
 * and otherwise a straight line w(k) = α + βk fitted over the quoted range and extended flat beyond
 * it (a line would turn negative). {@link #isSvi()} tells which; {@link #svi()} is null for the line.
 *
 * <p>Derived values, computed once when the smile is made (the butterfly check on first use):
 * <ul>
 *   <li>{@link #atmVol()}: σ at k = 0, i.e. strike = forward;</li>
 *   <li>the 25-delta strikes: forward delta N(d1) = 0.25 for the call and N(d1) − 1 = −0.25 for the put,
 *       with d1 = (−k + w(k)/2)/√w(k) on this smile, searched within the quoted strikes;</li>
 *   <li>{@link #rr25()} = σ(K25C) − σ(K25P) and {@link #bf25()} = (σ(K25C) + σ(K25P))/2 − atmVol;
 *       both (and the strikes) are {@code null} when a 25-delta strike is outside the quoted
 *       strikes, as CONTRACT.md requires, so they map one-to-one onto the nullable Avro fields;</li>
 *   <li>{@link #butterflyArbitrageFree()}: the Gatheral–Jacquier density condition
 *       g(k) = (1 − k w'/(2w))² − (w'²/4)(1/w + 1/4) + w''/2 ≥ 0 and w &gt; 0, checked on a dense grid
 *       (for SVI over the quoted range widened by six ATM standard deviations each side, for the
 *       line over the quoted range).</li>
 * </ul>
 */
public final class Smile {

  /** Φ⁻¹(0.75): d1 of the 25-delta put; the call's is its negative. */
  static final double D1_25 = 0.6744897501960817;
  private static final int ARBITRAGE_GRID = 400;

  private final double forward;
  private final double timeToExpiry;
  private final SviParameters svi;
  private final double intercept;
  private final double slope;
  private final double minStrike;
  private final double maxStrike;
  private final int points;
  private final double rmse;
  private final double atmVol;
  private final Double strike25Call;
  private final Double strike25Put;
  private final Double rr25;
  private final Double bf25;
  /** The butterfly check, made on first use: 0 not yet, 1 free of arbitrage, 2 not. */
  private byte butterfly;

  private Smile(double forward, double timeToExpiry, SviParameters svi, double intercept,
      double slope, double minStrike, double maxStrike, int points, double rmse) {
    Args.positive(forward, "forward");
    Args.positive(timeToExpiry, "timeToExpiry");
    Args.positive(minStrike, "minStrike");
    Args.positive(maxStrike, "maxStrike");
    if (maxStrike < minStrike) {
      throw new IllegalArgumentException(
          "maxStrike must be at least minStrike " + minStrike + ", was " + maxStrike);
    }
    if (points < 0) {
      throw new IllegalArgumentException("points must be non-negative, was " + points);
    }
    this.forward = forward;
    this.timeToExpiry = timeToExpiry;
    this.svi = svi;
    this.intercept = svi == null ? Args.finite(intercept, "intercept") : Double.NaN;
    this.slope = svi == null ? Args.finite(slope, "slope") : Double.NaN;
    this.minStrike = minStrike;
    this.maxStrike = maxStrike;
    this.points = points;
    this.rmse = rmse;
    this.atmVol = volAtLogMoneyness(0.0);
    double kMin = Math.log(minStrike / forward);
    double kMax = Math.log(maxStrike / forward);
    double kCall = delta25(kMin, kMax, -D1_25);
    double kPut = delta25(kMin, kMax, D1_25);
    if (Double.isNaN(kCall) || Double.isNaN(kPut)) {
      strike25Call = null;
      strike25Put = null;
      rr25 = null;
      bf25 = null;
    } else {
      double volCall = volAtLogMoneyness(kCall);
      double volPut = volAtLogMoneyness(kPut);
      strike25Call = forward * Math.exp(kCall);
      strike25Put = forward * Math.exp(kPut);
      rr25 = volCall - volPut;
      bf25 = 0.5 * (volCall + volPut) - atmVol;
    }
  }

  /**
   * A raw SVI smile.
   *
   * @param forward  the forward of the expiry
   * @param timeToExpiry  τ in years, positive
   * @param svi  the parameters, in total variance
   * @param minStrike  the lowest quoted strike used (bounds the 25-delta search)
   * @param maxStrike  the highest quoted strike used
   * @param points  the number of quotes fitted
   * @param rmse  the root-mean-square fit error in volatility
   */
  public static Smile svi(double forward, double timeToExpiry, SviParameters svi, double minStrike,
      double maxStrike, int points, double rmse) {
    if (svi == null) {
      throw new IllegalArgumentException("svi must not be null");
    }
    return new Smile(forward, timeToExpiry, svi, 0.0, 0.0, minStrike, maxStrike, points, rmse);
  }

  /**
   * A smile linear in k: w(k) = intercept + slope·k on [ln(minStrike/F), ln(maxStrike/F)], flat
   * beyond.
   */
  public static Smile linear(double forward, double timeToExpiry, double intercept, double slope,
      double minStrike, double maxStrike, int points, double rmse) {
    return new Smile(forward, timeToExpiry, null, intercept, slope, minStrike, maxStrike, points,
        rmse);
  }

  /** Total implied variance w(k) at log-moneyness k = ln(K/F), floored at 0. */
  public double totalVariance(double k) {
    double w;
    if (svi != null) {
      w = svi.totalVariance(k);
    } else {
      double kMin = Math.log(minStrike / forward);
      double kMax = Math.log(maxStrike / forward);
      w = intercept + slope * Math.max(kMin, Math.min(kMax, k));
    }
    return Math.max(w, 0.0);
  }

  /** The implied volatility at log-moneyness k = ln(K/F). */
  public double volAtLogMoneyness(double k) {
    return Math.sqrt(totalVariance(k) / timeToExpiry);
  }

  /** The implied volatility at a strike. */
  public double vol(double strike) {
    Args.positive(strike, "strike");
    return volAtLogMoneyness(Math.log(strike / forward));
  }

  /** d1 = (−k + w/2)/√w of a strike at log-moneyness k on this smile (−∞/+∞ where w = 0). */
  double d1(double k) {
    double w = totalVariance(k);
    if (!(w > 0)) {
      return k > 0 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    double sw = Math.sqrt(w);
    return -k / sw + 0.5 * sw;
  }

  /** The k in [kMin, kMax] where d1(k) = target, or NaN if there is none in that range. */
  private double delta25(double kMin, double kMax, double target) {
    double a = kMin;
    double b = kMax;
    double fa = d1(a) - target;
    double fb = d1(b) - target;
    if (fa == 0) {
      return a;
    }
    if (fb == 0) {
      return b;
    }
    if (!(fa * fb < 0)) {
      return Double.NaN;
    }
    // Illinois false position: always bracketing, superlinear, deterministic.
    int retained = 0; // +1: a was kept last time, -1: b was
    for (int i = 0; i < 100; i++) {
      double c = (a * fb - b * fa) / (fb - fa);
      if (!(c > a && c < b)) {
        c = 0.5 * (a + b);
      }
      double fc = d1(c) - target;
      if (fc == 0 || b - a <= 4e-16 * (1.0 + Math.abs(c))) {
        return c;
      }
      if ((fc < 0) == (fb < 0)) {
        b = c;
        fb = fc;
        if (retained == 1) {
          fa *= 0.5;
        }
        retained = 1;
      } else {
        a = c;
        fa = fc;
        if (retained == -1) {
          fb *= 0.5;
        }
        retained = -1;
      }
      if (Math.abs(fc) <= 1e-15) {
        return c;
      }
    }
    return 0.5 * (a + b);
  }

  private boolean checkButterfly(double kMin, double kMax) {
    double lo = kMin;
    double hi = kMax;
    if (svi != null) {
      double width = 6.0 * Math.sqrt(Math.max(totalVariance(0.0), 1e-12));
      lo = Math.min(kMin, -width) - 0.5 * width;
      hi = Math.max(kMax, width) + 0.5 * width;
      if (svi.minimumTotalVariance() <= 0) {
        return false;
      }
    }
    for (int i = 0; i <= ARBITRAGE_GRID; i++) {
      double k = lo + (hi - lo) * i / ARBITRAGE_GRID;
      double w;
      double w1;
      double w2;
      if (svi != null) {
        w = svi.totalVariance(k);
        w1 = svi.slope(k);
        w2 = svi.curvature(k);
      } else {
        w = intercept + slope * k;
        w1 = slope;
        w2 = 0.0;
      }
      if (!(w > 0)) {
        return false;
      }
      double u = 1.0 - k * w1 / (2.0 * w);
      double g = u * u - 0.25 * w1 * w1 * (1.0 / w + 0.25) + 0.5 * w2;
      if (g < 0) {
        return false;
      }
    }
    return true;
  }

  /** The forward the smile is expressed against. */
  public double forward() {
    return forward;
  }

  /** Time to expiry τ in years. */
  public double timeToExpiry() {
    return timeToExpiry;
  }

  /** True for a raw SVI fit, false for the linear fallback. */
  public boolean isSvi() {
    return svi != null;
  }

  /** The SVI parameters, or null for the linear fallback. */
  public SviParameters svi() {
    return svi;
  }

  /** Intercept α of the linear fallback w = α + βk (NaN for SVI). */
  public double linearIntercept() {
    return intercept;
  }

  /** Slope β of the linear fallback w = α + βk (NaN for SVI). */
  public double linearSlope() {
    return slope;
  }

  /** σ at the forward (k = 0). */
  public double atmVol() {
    return atmVol;
  }

  /** σ(K25C) − σ(K25P), or null when a 25-delta strike is outside the quoted strikes. */
  public Double rr25() {
    return rr25;
  }

  /** (σ(K25C) + σ(K25P))/2 − atmVol, or null when a 25-delta strike is outside the quoted strikes. */
  public Double bf25() {
    return bf25;
  }

  /** True when both 25-delta strikes are inside the quoted strikes (rr25 and bf25 are set). */
  public boolean hasDelta25() {
    return rr25 != null;
  }

  /** The 25-delta call strike, or null. */
  public Double strike25Call() {
    return strike25Call;
  }

  /** The 25-delta put strike, or null. */
  public Double strike25Put() {
    return strike25Put;
  }

  /** The lowest strike used in the fit. */
  public double minStrike() {
    return minStrike;
  }

  /** The highest strike used in the fit. */
  public double maxStrike() {
    return maxStrike;
  }

  /** The number of quotes used. */
  public int points() {
    return points;
  }

  /** Root-mean-square of (fitted σ − quoted σ) over the quotes used, in volatility. */
  public double rmse() {
    return rmse;
  }

  /** True when the smile passes the butterfly (density) check described in the class comment. */
  public boolean butterflyArbitrageFree() {
    // Computed at most a few times: racing threads compute and store the same value.
    byte b = butterfly;
    if (b == 0) {
      b = checkButterfly(Math.log(minStrike / forward), Math.log(maxStrike / forward)) ? (byte) 1 : (byte) 2;
      butterfly = b;
    }
    return b == 1;
  }

  @Override
  public String toString() {
    return "Smile{forward=" + forward + ", timeToExpiry=" + timeToExpiry
        + (svi != null ? ", svi=" + svi : ", linear w=" + intercept + "+" + slope + "k")
        + ", atmVol=" + atmVol + ", rr25=" + rr25 + ", bf25=" + bf25 + ", points=" + points
        + ", rmse=" + rmse + ", butterflyArbitrageFree=" + butterflyArbitrageFree() + '}';
  }
}
