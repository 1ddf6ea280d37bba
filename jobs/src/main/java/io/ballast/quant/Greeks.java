package io.ballast.quant;

/**
 * A caller-owned, reusable holder for the price and greeks of one European option, filled by
 * {@link Black76#greeks}. It lets the hot path compute everything without allocating: keep one
 * instance per thread (or per operator) and pass it in again and again.
 *
 * <p>Units, for one option on one unit of the underlying (multiply by signed quantity × multiplier
 * for a position), following CONTRACT.md:
 * <ul>
 *   <li>{@link #price()}: present value, in the currency of forward and strike;</li>
 *   <li>{@link #delta()}: ∂V/∂F, in units of the underlying (discounted: e^{−rτ}·N(d1) for a call);</li>
 *   <li>{@link #gamma()}: ∂²V/∂F², per unit of forward;</li>
 *   <li>{@link #vega()}: ∂V/∂σ / 100, value change per vol point (σ from 0.50 to 0.51);</li>
 *   <li>{@link #theta()}: −∂V/∂τ / 365, value change per calendar day of passing time, discounting
 *       included (r = −ln(DF)/τ), so a long option normally has negative theta;</li>
 *   <li>{@link #vanna()}: ∂²V/∂F∂σ / 100, change of delta per vol point;</li>
 *   <li>{@link #volga()}: ∂²V/∂σ² / 100², change of vega (per point) per vol point.</li>
 * </ul>
 *
 * <p>Not thread-safe (it is a scratch object). Its fields are set only by this package.
 */
public final class Greeks {

  private double price;
  private double delta;
  private double gamma;
  private double vega;
  private double theta;
  private double vanna;
  private double volga;

  /** Creates a holder with all values zero. */
  public Greeks() {
  }

  void set(double price, double delta, double gamma, double vega, double theta, double vanna,
      double volga) {
    this.price = price;
    this.delta = delta;
    this.gamma = gamma;
    this.vega = vega;
    this.theta = theta;
    this.vanna = vanna;
    this.volga = volga;
  }

  /** Present value. */
  public double price() {
    return price;
  }

  /** ∂V/∂F. */
  public double delta() {
    return delta;
  }

  /** ∂²V/∂F². */
  public double gamma() {
    return gamma;
  }

  /** ∂V/∂σ per vol point (÷100). */
  public double vega() {
    return vega;
  }

  /** −∂V/∂τ per calendar day (÷365), discount term included. */
  public double theta() {
    return theta;
  }

  /** ∂²V/∂F∂σ per vol point (÷100). */
  public double vanna() {
    return vanna;
  }

  /** ∂²V/∂σ² per vol point squared (÷10⁴). */
  public double volga() {
    return volga;
  }

  @Override
  public String toString() {
    return "Greeks{price=" + price + ", delta=" + delta + ", gamma=" + gamma + ", vega=" + vega
        + ", theta=" + theta + ", vanna=" + vanna + ", volga=" + volga + '}';
  }
}
