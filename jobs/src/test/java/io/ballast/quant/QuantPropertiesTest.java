package io.ballast.quant;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Scale;

/**
 * Properties over random inputs (jqwik): no-arbitrage bounds, monotonicity, no NaN. Quantities that
 * span decades are drawn as base-10 logarithms.
 */
class QuantPropertiesTest {

  @Property(tries = 2000)
  void priceIsWithinNoArbitrageBoundsAndMonotone(
      @ForAll boolean call,
      @ForAll @DoubleRange(min = -4, max = 4) @Scale(6) double moneyness,
      @ForAll @DoubleRange(min = -4, max = 0.7) @Scale(6) double log10Tau,
      @ForAll @DoubleRange(min = -3, max = 0.5) @Scale(6) double log10Vol,
      @ForAll @DoubleRange(min = 0.5, max = 1.0) @Scale(6) double df) {
    double tau = Math.pow(10, log10Tau);
    double vol = Math.pow(10, log10Vol);
    double f = 100;
    double k = f * Math.exp(moneyness);
    double price = Black76.price(call, f, k, tau, vol, df);
    double intrinsic = df * Math.max(call ? f - k : k - f, 0);
    double upper = df * (call ? f : k);
    assertThat(price).isGreaterThanOrEqualTo(intrinsic * (1 - 1e-15)).isLessThanOrEqualTo(upper);
    // increasing in vol
    assertThat(Black76.price(call, f, k, tau, vol * 1.01, df)).isGreaterThanOrEqualTo(price);
    // increasing in time with the discount factor held fixed (undiscounted value grows with σ√τ)
    assertThat(Black76.price(call, f, k, tau * 1.01, vol, df)).isGreaterThanOrEqualTo(price);
    // calls fall and puts rise with the strike
    double higher = Black76.price(call, f, k * 1.001, tau, vol, df);
    if (call) {
      assertThat(higher).isLessThanOrEqualTo(price);
    } else {
      assertThat(higher).isGreaterThanOrEqualTo(price);
    }
    // convex in the strike (no butterfly arbitrage); tolerance for rounding
    double h = k * 1e-2;
    double butterfly = Black76.price(call, f, k - h, tau, vol, df)
        - 2 * price + Black76.price(call, f, k + h, tau, vol, df);
    assertThat(butterfly).isGreaterThanOrEqualTo(-1e-12 * f);
  }

  @Property(tries = 2000)
  void greeksHaveTheirSigns(
      @ForAll boolean call,
      @ForAll @DoubleRange(min = -3, max = 3) @Scale(6) double moneyness,
      @ForAll @DoubleRange(min = -4, max = 0.7) @Scale(6) double log10Tau,
      @ForAll @DoubleRange(min = -3, max = 0.5) @Scale(6) double log10Vol) {
    double tau = Math.pow(10, log10Tau);
    double vol = Math.pow(10, log10Vol);
    Greeks g = new Greeks();
    double df = Math.exp(-0.03 * tau);
    Black76.greeks(call, 100, 100 * Math.exp(moneyness), tau, vol, df, g);
    if (call) {
      assertThat(g.delta()).isBetween(0.0, df);
    } else {
      assertThat(g.delta()).isBetween(-df, 0.0);
    }
    assertThat(g.gamma()).isGreaterThanOrEqualTo(0);
    assertThat(g.vega()).isGreaterThanOrEqualTo(0);
  }

  @Property(tries = 3000)
  void impliedVolRoundTripsOnRealisticQuotes(
      @ForAll boolean call,
      @ForAll @DoubleRange(min = -2, max = 2) @Scale(6) double moneyness,
      @ForAll @DoubleRange(min = -3, max = 0.5) @Scale(6) double log10Tau,
      @ForAll @DoubleRange(min = 0.05, max = 3) @Scale(6) double vol) {
    double tau = Math.pow(10, log10Tau);
    double f = 97_000;
    double k = f * Math.exp(moneyness);
    double df = Math.exp(-0.04 * tau);
    double price = Black76.price(call, f, k, tau, vol, df);
    double solved = ImpliedVol.solve(call, price, f, k, tau, df);
    Greeks g = new Greeks();
    Black76.greeks(call, f, k, tau, vol, df, g);
    double kappa = price / (vol * g.vega() * 100); // condition number of the inverse problem
    if (price > 1e-250 && kappa < 1e12) {
      // 1e-13, or what the double price can still tell (in the money the time value may be tiny)
      assertThat(Math.abs(solved - vol) / vol).isLessThanOrEqualTo(Math.max(1e-13, 8 * 0x1p-53 * kappa));
    } else {
      assertThat(solved).isGreaterThanOrEqualTo(0); // at worst σ = 0 for a price at intrinsic
    }
  }

  @Property(tries = 5000)
  void impliedVolNeverReturnsNaN(
      @ForAll boolean call,
      @ForAll @DoubleRange(min = -1e3, max = 1e3) @Scale(6) double price,
      @ForAll @DoubleRange(min = -8, max = 8) @Scale(6) double log10Forward,
      @ForAll @DoubleRange(min = -8, max = 8) @Scale(6) double log10Strike,
      @ForAll @DoubleRange(min = -9, max = 2) @Scale(6) double log10Tau,
      @ForAll @DoubleRange(min = 0.01, max = 1.5) @Scale(6) double df) {
    double forward = Math.pow(10, log10Forward);
    double strike = Math.pow(10, log10Strike);
    double tau = Math.pow(10, log10Tau);
    double solved = ImpliedVol.solve(call, price, forward, strike, tau, df);
    assertThat(solved).isNotNaN().isFinite();
    assertThat(solved >= 0 || solved == ImpliedVol.BELOW_INTRINSIC
        || solved == ImpliedVol.ABOVE_MAXIMUM).isTrue();
  }

  @Property(tries = 3000)
  void impliedVolOfAnyBlackPriceIsNeverNaNAndRepricesIt(
      @ForAll boolean call,
      @ForAll @DoubleRange(min = -30, max = 30) @Scale(6) double moneyness,
      @ForAll @DoubleRange(min = -12, max = 1.7) @Scale(6) double log10TotalVol) {
    double totalVol = Math.pow(10, log10TotalVol);
    double k = Math.exp(moneyness);
    double price = Black76.price(call, 1.0, k, 1.0, totalVol, 1.0);
    double solved = ImpliedVol.solve(call, price, 1.0, k, 1.0, 1.0);
    assertThat(solved).isNotNaN();
    if (solved >= 0) {
      double again = Black76.price(call, 1.0, k, 1.0, solved, 1.0);
      // It reprices to the price's own evaluation noise (tens of ulp at worst) plus σ̂'s error
      // times the elasticity E = σ·vega/V (or of intrinsic value when that dominates). σ̂ is within
      // 8ε/|x| relative: the solver's lowest branch evaluates b with the erfcx difference from
      // |x| = |ln F/K| = 0.1 on, whose rounding it accepts for speed (see NormalisedBlack); at
      // |x| = 0.1 that is 80 ulp = 160·2^-53.
      Greeks g = new Greeks();
      Black76.greeks(call, 1.0, k, 1.0, totalVol, 1.0, g);
      double elasticity = price > 0 ? totalVol * g.vega() * 100 / price : 0;
      assertThat(Math.abs(again - price)).isLessThanOrEqualTo(
          0x1p-53 * (32 + 160 * elasticity) * Math.max(price, Math.max(call ? 1 - k : k - 1, 0))
              + Double.MIN_NORMAL);
    } else {
      assertThat(solved).isEqualTo(ImpliedVol.ABOVE_MAXIMUM); // only at the rounding of the limit
    }
  }
}
