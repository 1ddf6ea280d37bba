package io.ballast.quant;

/** Year fractions as CONTRACT.md defines them: ACT/365 on epoch milliseconds. */
public final class TimeToExpiry {

  /** Milliseconds in a 365-day year: 31,536,000,000. */
  public static final long MILLIS_PER_YEAR = 365L * 24 * 60 * 60 * 1000;

  private TimeToExpiry() {
  }

  /**
   * τ = (expiry − asOf) / 31,536,000,000, in years; negative once the expiry has passed (callers
   * treat τ ≤ 0 as expired).
   *
   * @param expiryMillis  expiry, epoch milliseconds UTC
   * @param asOfMillis  valuation time, epoch milliseconds UTC
   * @return the year fraction
   */
  public static double years(long expiryMillis, long asOfMillis) {
    return (double) (expiryMillis - asOfMillis) / MILLIS_PER_YEAR;
  }

  /** A duration in milliseconds as a year fraction (ACT/365), e.g. a quote horizon. */
  public static double years(long durationMillis) {
    return (double) durationMillis / MILLIS_PER_YEAR;
  }
}
