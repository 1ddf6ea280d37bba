package io.ballast.quant;

/**
 * Realized volatility as an exponentially weighted moving average of squared log returns, for
 * irregularly spaced prices. An immutable value of four numbers plus its two settings, so the
 * streaming job can checkpoint it as primitives and {@link #restore} it.
 *
 * <p><b>Estimator.</b> Each new price Sᵢ at time tᵢ gives a log return rᵢ = ln(Sᵢ/Sᵢ₋₁) over
 * Δtᵢ = tᵢ − tᵢ₋₁ (in years, ACT/365). A return over Δt has variance σ²Δt, so rᵢ²/Δtᵢ estimates the
 * annual variance rate σ². The estimates are averaged with weights that decay with elapsed time,
 * not with the number of observations:
 * <pre>
 *   λᵢ = 2^(−Δtᵢ / halfLife),   V ← λᵢ V + (1 − λᵢ) rᵢ²/Δtᵢ,   W ← λᵢ W + (1 − λᵢ),
 *   σ̂² = V / W.
 * </pre>
 * For small Δt the new return's weight 1 − λᵢ ≈ ln2·Δtᵢ/halfLife is proportional to the time it
 * covers, so the estimate does not depend on how often prices arrive (it converges to the
 * continuous-time exponential average of the realized variance); an observation older than t by h
 * weighs 2^(−h/halfLife). W corrects the start-up bias (without it the first values would be pulled
 * towards zero). The result is annualized: σ̂ = √(V/W).
 *
 * <p><b>Sampling.</b> A price less than {@code minIntervalMillis} after the last accepted one is not
 * used yet, and neither is one with an earlier or equal timestamp: the anchor price stays, so the
 * next accepted return still contains the whole move (nothing is lost, microstructure noise at very
 * short intervals is damped). Prices must be positive and finite.
 */
public final class RealizedVol {

  private static final double LN2 = 0.6931471805599453;

  private final long halfLifeMillis;
  private final long minIntervalMillis;
  private final double weightedVariance;
  private final double weight;
  private final long lastTimeMillis;
  private final double lastPrice;

  private RealizedVol(long halfLifeMillis, long minIntervalMillis, double weightedVariance,
      double weight, long lastTimeMillis, double lastPrice) {
    this.halfLifeMillis = halfLifeMillis;
    this.minIntervalMillis = minIntervalMillis;
    this.weightedVariance = weightedVariance;
    this.weight = weight;
    this.lastTimeMillis = lastTimeMillis;
    this.lastPrice = lastPrice;
  }

  /**
   * An estimator with no observation yet.
   *
   * @param halfLifeMillis  the half-life of the weights, positive
   * @param minIntervalMillis  the shortest return interval used, non-negative (0: use every price)
   */
  public static RealizedVol create(long halfLifeMillis, long minIntervalMillis) {
    checkSettings(halfLifeMillis, minIntervalMillis);
    return new RealizedVol(halfLifeMillis, minIntervalMillis, 0.0, 0.0, Long.MIN_VALUE, Double.NaN);
  }

  /**
   * Restores an estimator from its checkpointed fields ({@link #weightedVariance()},
   * {@link #weight()}, {@link #lastTimeMillis()}, {@link #lastPrice()}).
   */
  public static RealizedVol restore(long halfLifeMillis, long minIntervalMillis,
      double weightedVariance, double weight, long lastTimeMillis, double lastPrice) {
    checkSettings(halfLifeMillis, minIntervalMillis);
    Args.nonNegative(weightedVariance, "weightedVariance");
    if (!(weight >= 0 && weight <= 1)) {
      throw new IllegalArgumentException("weight must be in [0, 1], was " + weight);
    }
    if (!(Double.isNaN(lastPrice) || lastPrice > 0 && lastPrice < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(
          "lastPrice must be positive and finite, or NaN before the first price, was " + lastPrice);
    }
    return new RealizedVol(halfLifeMillis, minIntervalMillis, weightedVariance, weight,
        lastTimeMillis, lastPrice);
  }

  private static void checkSettings(long halfLifeMillis, long minIntervalMillis) {
    if (halfLifeMillis <= 0) {
      throw new IllegalArgumentException("halfLifeMillis must be positive, was " + halfLifeMillis);
    }
    if (minIntervalMillis < 0) {
      throw new IllegalArgumentException(
          "minIntervalMillis must be non-negative, was " + minIntervalMillis);
    }
  }

  /**
   * The estimator after a new price.
   *
   * @param timeMillis  the price's time, epoch milliseconds
   * @param price  the price, positive and finite
   * @return the updated estimator ({@code this} when the price is not used yet, see the class comment)
   */
  public RealizedVol update(long timeMillis, double price) {
    Args.positive(price, "price");
    if (Double.isNaN(lastPrice)) {
      return new RealizedVol(halfLifeMillis, minIntervalMillis, weightedVariance, weight,
          timeMillis, price);
    }
    long elapsed = timeMillis - lastTimeMillis;
    if (elapsed <= 0 || elapsed < minIntervalMillis) {
      return this;
    }
    double dt = TimeToExpiry.years(elapsed);
    double r = Math.log(price / lastPrice);
    // λ = 2^(−Δt/h); 1 − λ computed without cancellation.
    double exponent = -LN2 * (double) elapsed / (double) halfLifeMillis;
    double decay = Math.exp(exponent);
    double fresh = -Math.expm1(exponent);
    double v = decay * weightedVariance + fresh * (r * r / dt);
    double w = decay * weight + fresh;
    return new RealizedVol(halfLifeMillis, minIntervalMillis, v, Math.min(w, 1.0), timeMillis,
        price);
  }

  /** True once at least one return has been used. */
  public boolean hasValue() {
    return weight > 0;
  }

  /** The annualized variance σ̂² = V/W, or 0 before the first return. */
  public double annualizedVariance() {
    return weight > 0 ? weightedVariance / weight : 0.0;
  }

  /** The annualized volatility σ̂ (0.6 for 60%), or 0 before the first return (see {@link #hasValue()}). */
  public double annualizedVol() {
    return Math.sqrt(annualizedVariance());
  }

  /** Half-life of the weights, milliseconds. */
  public long halfLifeMillis() {
    return halfLifeMillis;
  }

  /** Shortest return interval used, milliseconds. */
  public long minIntervalMillis() {
    return minIntervalMillis;
  }

  /** Checkpoint field: the weighted sum V of variance estimates (annual units). */
  public double weightedVariance() {
    return weightedVariance;
  }

  /** Checkpoint field: the total weight W, in [0, 1]. */
  public double weight() {
    return weight;
  }

  /** Checkpoint field: time of the anchor price (Long.MIN_VALUE before the first price). */
  public long lastTimeMillis() {
    return lastTimeMillis;
  }

  /** Checkpoint field: the anchor price (NaN before the first price). */
  public double lastPrice() {
    return lastPrice;
  }

  @Override
  public String toString() {
    return "RealizedVol{vol=" + annualizedVol() + ", weight=" + weight + ", lastTimeMillis="
        + lastTimeMillis + ", lastPrice=" + lastPrice + ", halfLifeMillis=" + halfLifeMillis + '}';
  }
}
