package io.ballast.quant;

/**
 * Two "per day" thetas besides Ballast's own −∂V/∂τ/365 ({@link Black76#greeks}), for comparing
 * with venues. Both are in the currency of forward and strike per calendar day (365-day year), and
 * negative for a long option whose value decays.
 *
 * <ul>
 *   <li>{@link #oneDayDecay}: the finite one-day decay V(τ − 1/365) − V(τ) at unchanged forward
 *       and volatility (V(0) = intrinsic value when less than a day is left);</li>
 *   <li>{@link #deribit}: the convention Deribit's published greeks follow (measured on its real
 *       chains, docs/CONTRACT.md): the instantaneous theta scaled to the time actually left when that
 *       is under one day, and never a loss larger than the option's whole value:
 *       θ_D = max(θ·min(1, 365τ), −V) with θ = −∂V/∂τ/365. From a week out it equals θ except for
 *       options worth less than one day of their own decay.</li>
 * </ul>
 * Static, thread-safe; arguments are checked as in {@link Black76}.
 */
public final class DailyTheta {

  /** One calendar day in years (ACT/365). */
  public static final double ONE_DAY = 1.0 / Black76.DAYS_PER_YEAR;

  private DailyTheta() {
  }

  /**
   * V(max(τ − 1/365, 0)) − V(τ): the value lost over the next calendar day with forward, volatility
   * and rate unchanged.
   *
   * @param call  true for a call
   * @param forward  F, positive
   * @param strike  K, positive
   * @param timeToExpiry  τ in years, non-negative
   * @param vol  σ, non-negative
   * @param discountFactor  e^{−rτ}, positive
   * @return the one-day change of value (negative for decay)
   */
  public static double oneDayDecay(boolean call, double forward, double strike,
      double timeToExpiry, double vol, double discountFactor) {
    double now = Black76.price(call, forward, strike, timeToExpiry, vol, discountFactor);
    double later = Math.max(timeToExpiry - ONE_DAY, 0.0);
    // the same rate over the shorter horizon: DF' = DF^(τ'/τ)
    double laterDf = timeToExpiry > 0
        ? Math.exp(Math.log(discountFactor) * (later / timeToExpiry)) : discountFactor;
    return Black76.price(call, forward, strike, later, vol, laterDf) - now;
  }

  /**
   * Deribit's theta: max(θ·min(1, 365τ), −V), θ = −∂V/∂τ/365 of Black-76.
   *
   * @param call  true for a call
   * @param forward  F, positive
   * @param strike  K, positive
   * @param timeToExpiry  τ in years, non-negative
   * @param vol  σ, non-negative
   * @param discountFactor  e^{−rτ}, positive
   * @param scratch  a holder for the Black-76 greeks, not null (overwritten)
   * @return theta per day in Deribit's convention
   */
  public static double deribit(boolean call, double forward, double strike, double timeToExpiry,
      double vol, double discountFactor, Greeks scratch) {
    Black76.greeks(call, forward, strike, timeToExpiry, vol, discountFactor, scratch);
    return deribit(scratch.theta(), scratch.price(), timeToExpiry);
  }

  /**
   * The same from a theta and a price already computed.
   *
   * @param theta  −∂V/∂τ/365
   * @param price  V, non-negative
   * @param timeToExpiry  τ in years, non-negative
   * @return max(θ·min(1, 365τ), −V)
   */
  public static double deribit(double theta, double price, double timeToExpiry) {
    Args.nonNegative(timeToExpiry, "timeToExpiry");
    Args.nonNegative(price, "price");
    double daysLeft = timeToExpiry * Black76.DAYS_PER_YEAR;
    return Math.max(theta * Math.min(1.0, daysLeft), -price);
  }
}
