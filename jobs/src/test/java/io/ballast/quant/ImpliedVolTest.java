package io.ballast.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImpliedVolTest {

  private static final double EPS = 0x1p-53;

  /**
   * The round trip σ → price → σ over ln(F/K) ∈ [−5, 5] × σ√τ ∈ [1e-4, 5] (log-spaced), calls and puts,
   * with discounting and a τ that is not 1.
   *
   * <p>Every out-of-the-money option, and every in-the-money one whose time value survives in a
   * double, comes back to 1e-13 relative. Two kinds of grid points carry no volatility information
   * and are excluded (and counted): prices below the smallest normal double (deep out of the money
   * with tiny σ√τ: the price underflows), and in-the-money options whose time value is lost in the
   * rounding of the price (condition number κ = V/(σ ∂V/∂σ) with 4εκ &gt; 1e-13). For the latter the
   * test asserts the attainable bound |Δσ|/σ ≤ 4εκ instead.
   */
  @Test
  void roundTripToOnePartIn1e13OverTheWholeGrid() {
    double forward = 97_000;
    double tau = 0.25;
    double df = Math.exp(-0.05 * tau);
    double sqrtTau = Math.sqrt(tau);
    int checked = 0;
    int illConditioned = 0;
    int underflow = 0;
    double worst = 0;
    for (int i = 0; i <= 200; i++) {
      double x = -5 + 10.0 * i / 200;
      for (int j = 0; j <= 120; j++) {
        double s = 1e-4 * Math.pow(5e4, j / 120.0);
        double vol = s / sqrtTau;
        double strike = forward * Math.exp(-x);
        for (boolean call : new boolean[] {true, false}) {
          double price = Black76.price(call, forward, strike, tau, vol, df);
          double intrinsic = df * Math.max(call ? forward - strike : strike - forward, 0);
          if (!(price - intrinsic > Double.MIN_NORMAL * forward) || price < Double.MIN_NORMAL) {
            underflow++;
            continue;
          }
          double solved = ImpliedVol.solve(call, price, forward, strike, tau, df);
          assertThat(ImpliedVol.isValid(solved)).as("x=%s s=%s call=%s", x, s, call).isTrue();
          double error = Math.abs(solved - vol) / vol;
          double vega = df * Math.sqrt(forward * strike)
              * NormalisedBlack.vega(-Math.abs(x) / s, 0.5 * s) * sqrtTau;
          double kappa = price / (vol * vega);
          if (4 * EPS * kappa > 1e-13) {
            illConditioned++;
            assertThat(error).as("x=%s s=%s call=%s κ=%s", x, s, call, kappa)
                .isLessThanOrEqualTo(4 * EPS * kappa);
          } else {
            checked++;
            worst = Math.max(worst, error);
            assertThat(error).as("x=%s s=%s call=%s", x, s, call).isLessThanOrEqualTo(1e-13);
          }
        }
      }
    }
    assertThat(checked).isGreaterThan(14_000);
    assertThat(worst).isLessThan(5e-14); // in practice a few ulp to a few hundred ulp
    assertThat(checked + illConditioned + underflow).isEqualTo(201 * 121 * 2);
  }

  @Test
  void roundTripOfAllOutOfTheMoneyOptionsOnAFinerGrid() {
    for (int i = 0; i <= 400; i++) {
      double x = -5 + 5.0 * i / 400; // out-of-the-money call: x ≤ 0
      for (int j = 0; j <= 300; j++) {
        double s = 1e-4 * Math.pow(5e4, j / 300.0);
        double strike = 100 * Math.exp(-x);
        double price = Black76.price(true, 100, strike, 1.0, s, 1.0);
        if (price < Double.MIN_NORMAL) {
          continue;
        }
        double solved = ImpliedVol.solve(true, price, 100, strike, 1.0, 1.0);
        assertThat(Math.abs(solved - s) / s).as("x=%s s=%s", x, s).isLessThanOrEqualTo(1e-13);
        // the put at the mirrored strike is the same normalised problem
        double putStrike = 100 * Math.exp(x);
        double put = Black76.price(false, 100, putStrike, 1.0, s, 1.0);
        if (put >= Double.MIN_NORMAL) {
          double solvedPut = ImpliedVol.solve(false, put, 100, putStrike, 1.0, 1.0);
          assertThat(Math.abs(solvedPut - s) / s).as("put x=%s s=%s", x, s)
              .isLessThanOrEqualTo(1e-13);
        }
      }
    }
  }

  @Test
  void pricesOutsideTheNoArbitrageBoundsAreReportedNotSolved() {
    // call F=100 K=90: intrinsic 10, maximum 100 (undiscounted)
    assertThat(ImpliedVol.solve(true, 9.999, 100, 90, 0.5, 1.0)).isEqualTo(ImpliedVol.BELOW_INTRINSIC);
    assertThat(ImpliedVol.solve(true, -1.0, 100, 110, 0.5, 1.0)).isEqualTo(ImpliedVol.BELOW_INTRINSIC);
    assertThat(ImpliedVol.solve(true, 100.0, 100, 90, 0.5, 1.0)).isEqualTo(ImpliedVol.ABOVE_MAXIMUM);
    assertThat(ImpliedVol.solve(false, 90.0, 100, 90, 0.5, 1.0)).isEqualTo(ImpliedVol.ABOVE_MAXIMUM);
    assertThat(ImpliedVol.solve(false, 1e6, 100, 90, 0.5, 1.0)).isEqualTo(ImpliedVol.ABOVE_MAXIMUM);
    // discounting: the bound is on the undiscounted price, DF·intrinsic is the discounted one
    double df = 0.9;
    assertThat(ImpliedVol.solve(true, 0.9 * 10 - 1e-9, 100, 90, 0.5, df))
        .isEqualTo(ImpliedVol.BELOW_INTRINSIC);
    assertThat(ImpliedVol.solve(true, 0.9 * 10 + 1e-3, 100, 90, 0.5, df)).isPositive();
    // exactly intrinsic: zero volatility, a valid result
    assertThat(ImpliedVol.solve(true, 10.0, 100, 90, 0.5, 1.0)).isZero();
    assertThat(ImpliedVol.solve(true, 0.0, 100, 110, 0.5, 1.0)).isZero();

    assertThat(ImpliedVol.isValid(ImpliedVol.BELOW_INTRINSIC)).isFalse();
    assertThat(ImpliedVol.isValid(ImpliedVol.ABOVE_MAXIMUM)).isFalse();
    assertThat(ImpliedVol.isValid(0.0)).isTrue();
    assertThat(ImpliedVol.isValid(Double.NaN)).isFalse();
    assertThat(ImpliedVol.status(0.3)).isEqualTo(ImpliedVol.Status.OK);
    assertThat(ImpliedVol.status(ImpliedVol.BELOW_INTRINSIC)).isEqualTo(ImpliedVol.Status.BELOW_INTRINSIC);
    assertThat(ImpliedVol.status(ImpliedVol.ABOVE_MAXIMUM)).isEqualTo(ImpliedVol.Status.ABOVE_MAXIMUM);
    // a sentinel cannot be used as a volatility by mistake
    assertThatThrownBy(() -> Black76.price(true, 100, 90, 0.5, ImpliedVol.BELOW_INTRINSIC, 1.0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void edgesNearZeroTimeAndZeroVolAndDeepInOrOut() {
    // τ → 0: the time value of an at-the-money option still determines σ
    double t = 1e-10;
    double p = Black76.price(true, 100, 100, t, 0.8, 1.0);
    assertThat(ImpliedVol.solve(true, p, 100, 100, t, 1.0)).isCloseTo(0.8,
        org.assertj.core.data.Offset.offset(1e-13));
    // σ → 0: out of the money the price underflows to 0 and the answer is 0 (at intrinsic)
    double q = Black76.price(true, 100, 120, 1.0, 1e-3, 1.0);
    assertThat(q).isZero();
    assertThat(ImpliedVol.solve(true, q, 100, 120, 1.0, 1.0)).isZero();
    // small but representable σ√τ near the money
    double r = Black76.price(true, 100, 100.01, 1.0, 1e-4, 1.0);
    assertThat(ImpliedVol.solve(true, r, 100, 100.01, 1.0, 1.0)).isCloseTo(1e-4,
        org.assertj.core.data.Offset.offset(1e-4 * 1e-13));
    // huge vol
    double u = Black76.price(true, 100, 100, 1.0, 8.0, 1.0);
    assertThat(ImpliedVol.solve(true, u, 100, 100, 1.0, 1.0)).isCloseTo(8.0,
        org.assertj.core.data.Offset.offset(8.0 * 1e-12));
    // deep out of the money, large vol
    double w = Black76.price(false, 100, 1e-3, 2.0, 1.5, 1.0);
    assertThat(ImpliedVol.solve(false, w, 100, 1e-3, 2.0, 1.0)).isCloseTo(1.5,
        org.assertj.core.data.Offset.offset(1.5e-13));
    // at the money exactly
    for (double vol : new double[] {1e-4, 0.01, 0.5, 2, 6}) {
      double atm = Black76.price(false, 50, 50, 0.3, vol, 0.99);
      assertThat(ImpliedVol.solve(false, atm, 50, 50, 0.3, 0.99)).isCloseTo(vol,
          org.assertj.core.data.Offset.offset(vol * 1e-13));
    }
  }

  @Test
  void argumentsAreCheckedWithTheBadValueInTheMessage() {
    assertThatThrownBy(() -> ImpliedVol.solve(true, Double.NaN, 100, 100, 1, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("price")
        .hasMessageContaining("NaN");
    assertThatThrownBy(() -> ImpliedVol.solve(true, 1, 0, 100, 1, 1))
        .hasMessageContaining("forward").hasMessageContaining("0.0");
    assertThatThrownBy(() -> ImpliedVol.solve(true, 1, 100, -5, 1, 1))
        .hasMessageContaining("strike").hasMessageContaining("-5.0");
    assertThatThrownBy(() -> ImpliedVol.solve(true, 1, 100, 100, 0, 1))
        .hasMessageContaining("timeToExpiry").hasMessageContaining("0.0");
    assertThatThrownBy(() -> ImpliedVol.solve(true, 1, 100, 100, 1, -1))
        .hasMessageContaining("discountFactor").hasMessageContaining("-1.0");
  }
}
