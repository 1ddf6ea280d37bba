package io.ballast.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Black76Test {

  private static final double EPS = 0x1p-53;

  /**
   * E. G. Haug, "The Complete Guide to Option Pricing Formulas" (McGraw-Hill, 1998), pp. 2–8 and 24,
   * as used by QuantLib's European option test-suite (testValues): call?, strike, spot, dividend
   * yield q, rate r, time t, vol, value (to 4 decimals).
   */
  private static final double[][] HAUG_VALUES = {
      {1, 65.00, 60.00, 0.00, 0.08, 0.25, 0.30, 2.1334},
      {0, 95.00, 100.00, 0.05, 0.10, 0.50, 0.20, 2.4648},
      {0, 19.00, 19.00, 0.10, 0.10, 0.75, 0.28, 1.7011},
      {1, 19.00, 19.00, 0.10, 0.10, 0.75, 0.28, 1.7011},
      {1, 1.60, 1.56, 0.08, 0.06, 0.50, 0.12, 0.0291},
      {0, 70.00, 75.00, 0.05, 0.10, 0.50, 0.35, 4.0870},
      {1, 100.00, 90.00, 0.10, 0.10, 0.10, 0.15, 0.0205},
      {1, 100.00, 100.00, 0.10, 0.10, 0.10, 0.15, 1.8734},
      {1, 100.00, 110.00, 0.10, 0.10, 0.10, 0.15, 9.9413},
      {1, 100.00, 90.00, 0.10, 0.10, 0.10, 0.25, 0.3150},
      {1, 100.00, 100.00, 0.10, 0.10, 0.10, 0.25, 3.1217},
      {1, 100.00, 110.00, 0.10, 0.10, 0.10, 0.25, 10.3556},
      {1, 100.00, 90.00, 0.10, 0.10, 0.10, 0.35, 0.9474},
      {1, 100.00, 100.00, 0.10, 0.10, 0.10, 0.35, 4.3693},
      {1, 100.00, 110.00, 0.10, 0.10, 0.10, 0.35, 11.1381},
      {1, 100.00, 90.00, 0.10, 0.10, 0.50, 0.15, 0.8069},
      {1, 100.00, 100.00, 0.10, 0.10, 0.50, 0.15, 4.0232},
      {1, 100.00, 110.00, 0.10, 0.10, 0.50, 0.15, 10.5769},
      {1, 100.00, 90.00, 0.10, 0.10, 0.50, 0.25, 2.7026},
      {1, 100.00, 100.00, 0.10, 0.10, 0.50, 0.25, 6.6997},
      {1, 100.00, 110.00, 0.10, 0.10, 0.50, 0.25, 12.7857},
      {1, 100.00, 90.00, 0.10, 0.10, 0.50, 0.35, 4.9329},
      {1, 100.00, 100.00, 0.10, 0.10, 0.50, 0.35, 9.3679},
      {1, 100.00, 110.00, 0.10, 0.10, 0.50, 0.35, 15.3086},
      {0, 100.00, 90.00, 0.10, 0.10, 0.10, 0.15, 9.9210},
      {0, 100.00, 100.00, 0.10, 0.10, 0.10, 0.15, 1.8734},
      {0, 100.00, 110.00, 0.10, 0.10, 0.10, 0.15, 0.0408},
      {0, 100.00, 90.00, 0.10, 0.10, 0.10, 0.25, 10.2155},
      {0, 100.00, 100.00, 0.10, 0.10, 0.10, 0.25, 3.1217},
      {0, 100.00, 110.00, 0.10, 0.10, 0.10, 0.25, 0.4551},
      {0, 100.00, 90.00, 0.10, 0.10, 0.10, 0.35, 10.8479},
      {0, 100.00, 100.00, 0.10, 0.10, 0.10, 0.35, 4.3693},
      {0, 100.00, 110.00, 0.10, 0.10, 0.10, 0.35, 1.2376},
      {0, 100.00, 90.00, 0.10, 0.10, 0.50, 0.15, 10.3192},
      {0, 100.00, 100.00, 0.10, 0.10, 0.50, 0.15, 4.0232},
      {0, 100.00, 110.00, 0.10, 0.10, 0.50, 0.15, 1.0646},
      {0, 100.00, 90.00, 0.10, 0.10, 0.50, 0.25, 12.2149},
      {0, 100.00, 100.00, 0.10, 0.10, 0.50, 0.25, 6.6997},
      {0, 100.00, 110.00, 0.10, 0.10, 0.50, 0.25, 3.2734},
      {0, 100.00, 90.00, 0.10, 0.10, 0.50, 0.35, 14.4452},
      {0, 100.00, 100.00, 0.10, 0.10, 0.50, 0.35, 9.3679},
      {0, 100.00, 110.00, 0.10, 0.10, 0.50, 0.35, 5.7963},
      {1, 40.00, 42.00, 0.08, 0.04, 0.75, 0.35, 5.0975},
  };

  /**
   * Prices with 80-digit mpmath (Black's formula evaluated directly), and the relative condition
   * number κ = Σ |xᵢ ∂V/∂xᵢ| / V over (F, K, τ, σ): call?, F, K, τ, σ, DF, V, κ. Includes deep
   * out-of-the-money, tiny σ√τ and huge σ√τ, where the textbook formula cancels.
   */
  private static final double[][] REFERENCE_PRICES = {
      {1, 100.0, 100.0, 1.0, 0.2, 1.0, 7.965567455405797, 14},
      {0, 100.0, 100.0, 1.0, 0.2, 1.0, 7.965567455405797, 14},
      {1, 100.0, 120.0, 0.5, 0.6, 0.99, 10.02805894625362, 9.62},
      {0, 100.0, 80.0, 0.25, 0.8, 0.995, 6.359227606891857, 10.8},
      {1, 100.0, 150.0, 0.1, 0.5, 1.0, 0.03165168817287376, 53.5},
      {0, 100.0, 60.0, 0.05, 0.9, 1.0, 0.02761006505079779, 44.5},
      {1, 100.0, 300.0, 0.02, 0.3, 1.0, 1.0852468350805294e-148, 2.23e+03},
      {0, 100.0, 40.0, 0.02, 0.3, 1.0, 1.1807303581399919e-104, 1.73e+03},
      {1, 100.0, 101.0, 1e-06, 0.5, 1.0, 5.04483247110488e-91, 8.06e+04},
      {1, 100.0, 100.0, 1e-08, 0.5, 1.0, 0.001994711401799381, 5.01e+04},
      {0, 100.0, 100.001, 0.0001, 0.3, 1.0, 0.12018390255174952, 836},
      {1, 100.0, 110.0, 0.01, 0.05, 1.0, 7.141665083297789e-83, 8.22e+03},
      {0, 100.0, 90.0, 0.01, 0.05, 1.0, 1.6070033644940763e-100, 9.14e+03},
      {1, 100.0, 200.0, 1.0, 0.1, 1.0, 4.082966631587882e-12, 220},
      {1, 100.0, 103.0, 0.5, 0.01, 1.0, 2.2722921272189074e-06, 1.33e+03},
      {1, 100.0, 80.0, 0.5, 0.3, 0.97, 20.782672488618584, 7.49},
      {0, 100.0, 130.0, 0.5, 0.3, 0.97, 30.315269496535322, 6.79},
      {1, 100.0, 50.0, 2.0, 1.5, 0.9, 72.14316890762008, 1.89},
      {0, 100.0, 200.0, 2.0, 1.5, 0.9, 144.28633781524016, 1.89},
      {1, 100.0, 100.0, 4.0, 3.0, 1.0, 99.73002039367398, 1.04},
      {1, 100.0, 10000.0, 1.0, 2.0, 1.0, 4.845921624522426, 13.6},
      {0, 100.0, 1.0, 1.0, 2.0, 1.0, 0.048459216245224264, 13.6},
      {1, 0.001, 0.002, 0.3, 0.7, 1.0, 7.482691213255986e-06, 21.5},
      {1, 50000.0, 97000.0, 0.02, 0.65, 1.0, 2.410303023857697e-10, 245},
      {1, 97000.0, 60000.0, 0.0192, 0.55, 1.0, 37000.000000128355, 4.24},
      {0, 97000.0, 140000.0, 0.25, 0.6, 1.0, 44855.98489921731, 4.93},
      {1, 100.0, 100.0000001, 0.5, 0.4, 1.0, 11.246291557451638, 10.4},
  };

  /** Black-Scholes-Merton on spot S with yields r, q is Black-76 on F = S e^{(r−q)t}, DF = e^{−rt}. */
  private static double bsm(boolean call, double strike, double spot, double q, double r, double t,
      double vol) {
    return Black76.price(call, spot * Math.exp((r - q) * t), strike, t, vol, Math.exp(-r * t));
  }

  @Test
  void haugReferenceValues() {
    for (double[] v : HAUG_VALUES) {
      double price = bsm(v[0] == 1, v[1], v[2], v[3], v[4], v[5], v[6]);
      assertThat(price).as("Haug %s", java.util.Arrays.toString(v)).isCloseTo(v[7], offset(1e-4));
    }
  }

  @Test
  void haugReferenceGreeks() {
    // Haug pp. 11–16 (QuantLib testGreekValues). Haug's greeks are on spot: ∂/∂S = e^{(r−q)t} ∂/∂F.
    Greeks g = new Greeks();
    double s = 105;
    double q = 0.10;
    double r = 0.10;
    double t = 0.5;
    double f = s * Math.exp((r - q) * t);
    Black76.greeks(true, f, 100, t, 0.36, Math.exp(-r * t), g);
    assertThat(g.delta() * Math.exp((r - q) * t)).isCloseTo(0.5946, offset(1e-4));
    Black76.greeks(false, f, 100, t, 0.36, Math.exp(-r * t), g);
    assertThat(g.delta() * Math.exp((r - q) * t)).isCloseTo(-0.3566, offset(1e-4));

    s = 55;
    q = 0.0;
    t = 0.75;
    f = s * Math.exp((r - q) * t);
    double growth = Math.exp((r - q) * t);
    for (boolean call : new boolean[] {true, false}) {
      Black76.greeks(call, f, 60, t, 0.30, Math.exp(-r * t), g);
      assertThat(g.gamma() * growth * growth).isCloseTo(0.0278, offset(1e-4));
      assertThat(g.vega() * 100).isCloseTo(18.9358, offset(1e-4)); // Haug's vega is per unit σ
    }

    // Theta on spot = theta on forward − (r − q)·F·∂V/∂F (the forward drifts as time passes).
    s = 430;
    q = 0.05;
    r = 0.07;
    t = 1.0 / 12.0;
    f = s * Math.exp((r - q) * t);
    Black76.greeks(false, f, 405, t, 0.20, Math.exp(-r * t), g);
    double spotThetaPerYear = g.theta() * 365 - (r - q) * f * g.delta();
    assertThat(spotThetaPerYear).isCloseTo(-31.1924, offset(1e-4));
    assertThat(spotThetaPerYear / 365).isCloseTo(-0.0855, offset(1e-4));
  }

  @Test
  void pricesMatch80DigitReferencesWithinTheirConditioning() {
    for (double[] v : REFERENCE_PRICES) {
      double price = Black76.price(v[0] == 1, v[1], v[2], v[3], v[4], v[5]);
      double relativeError = Math.abs(price - v[6]) / v[6];
      // A few ulp, or what one ulp of the inputs is worth (κ ε): the best any double code can do.
      assertThat(relativeError).as("%s", java.util.Arrays.toString(v))
          .isLessThanOrEqualTo(EPS * (4 + v[7]));
    }
  }

  @Test
  void greeksPriceEqualsPrice() {
    Greeks g = new Greeks();
    for (double k = 50; k <= 200; k += 7.3) {
      for (boolean call : new boolean[] {true, false}) {
        Black76.greeks(call, 100, k, 0.3, 0.7, 0.98, g);
        assertThat(g.price()).isEqualTo(Black76.price(call, 100, k, 0.3, 0.7, 0.98));
      }
    }
  }

  @Test
  void putCallParity() {
    for (double f : new double[] {0.01, 1, 100, 97_000}) {
      for (double m = -3; m <= 3; m += 0.25) {
        for (double vol : new double[] {0.01, 0.3, 1.2, 4}) {
          for (double t : new double[] {1e-4, 0.1, 1, 5}) {
            double k = f * Math.exp(m);
            double df = Math.exp(-0.05 * t);
            double call = Black76.price(true, f, k, t, vol, df);
            double put = Black76.price(false, f, k, t, vol, df);
            double scale = df * Math.max(f, k);
            assertThat(call - put).as("F=%s K=%s vol=%s t=%s", f, k, vol, t)
                .isCloseTo(df * (f - k), offset(8 * EPS * scale));
            Greeks gc = new Greeks();
            Greeks gp = new Greeks();
            Black76.greeks(true, f, k, t, vol, df, gc);
            Black76.greeks(false, f, k, t, vol, df, gp);
            assertThat(gc.delta() - gp.delta()).isCloseTo(df, offset(4 * EPS));
            assertThat(gc.gamma()).isEqualTo(gp.gamma());
            assertThat(gc.vega()).isEqualTo(gp.vega());
            assertThat(gc.vanna()).isEqualTo(gp.vanna());
            assertThat(gc.volga()).isEqualTo(gp.volga());
          }
        }
      }
    }
  }

  /**
   * Fourth-order central differences (Richardson) against every analytic greek, calls and puts, with
   * discounting. Steps follow the scale on which the price varies (which shrinks deep out of the
   * money and for small σ√τ).
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void finiteDifferencesConfirmEveryGreek(boolean call) {
    Greeks g = new Greeks();
    double rate = 0.04;
    for (double f : new double[] {50, 100}) {
      for (double moneyness : new double[] {-0.6, -0.2, 0.0, 0.15, 0.5}) {
        for (double t : new double[] {0.02, 0.4, 2.0}) {
          for (double vol : new double[] {0.15, 0.6, 1.4}) {
            double k = f * Math.exp(moneyness);
            double df = Math.exp(-rate * t);
            Black76.greeks(call, f, k, t, vol, df, g);
            String at = String.format("F=%s K=%s t=%s vol=%s", f, k, t, vol);
            double s = vol * Math.sqrt(t);
            double h = Math.abs(moneyness) / s; // |x|/s: how far out, in standard deviations
            double hf = 1e-3 * f * s / (1 + h);
            double hv = 1e-3 * vol / (1 + h * h);
            double ht = 1e-3 * t / (1 + h * h);

            check(at + " delta", g.delta(),
                derivative(x -> Black76.price(call, x, k, t, vol, df), f, hf));
            check(at + " gamma", g.gamma(), derivative(x -> greeks(call, x, k, t, vol, df).delta(),
                f, hf));
            // Vega, vanna and volga are the same for the call and the put; differentiate the
            // out-of-the-money one, whose price is not swamped by the rounding of intrinsic value.
            boolean otm = k >= f;
            check(at + " vega", g.vega(),
                derivative(v -> Black76.price(otm, f, k, t, v, df), vol, hv) / 100);
            check(at + " vanna", g.vanna(),
                derivative(v -> greeks(otm, f, k, t, v, df).delta(), vol, hv) / 100);
            check(at + " volga", g.volga(),
                derivative(v -> greeks(otm, f, k, t, v, df).vega(), vol, hv) / 100);
            check(at + " theta", g.theta(),
                -derivative(u -> Black76.price(call, f, k, u, vol, Math.exp(-rate * u)), t, ht)
                    / 365);
          }
        }
      }
    }
  }

  private static Greeks greeks(boolean call, double f, double k, double t, double vol, double df) {
    Greeks g = new Greeks();
    Black76.greeks(call, f, k, t, vol, df, g);
    return g;
  }

  /** (8(f(x+h) − f(x−h)) − (f(x+2h) − f(x−2h)))/(12h): error O(h⁴). */
  private static double derivative(java.util.function.DoubleUnaryOperator fn, double x, double h) {
    return (8 * (fn.applyAsDouble(x + h) - fn.applyAsDouble(x - h))
        - (fn.applyAsDouble(x + 2 * h) - fn.applyAsDouble(x - 2 * h))) / (12 * h);
  }

  private static void check(String what, double analytic, double numeric) {
    assertThat(analytic).as(what).isCloseTo(numeric, offset(1e-7 * Math.abs(numeric) + 1e-12));
  }

  @Test
  void zeroTimeOrZeroVolGivesIntrinsicAndNoNaN() {
    Greeks g = new Greeks();
    double df = 0.97;
    for (double t : new double[] {0.0, 0.5}) {
      for (double vol : t == 0 ? new double[] {0.0, 0.8} : new double[] {0.0}) {
        Black76.greeks(true, 100, 90, t, vol, t == 0 ? 1.0 : df, g);
        double d = t == 0 ? 1.0 : df;
        assertThat(g.price()).isEqualTo(10 * d);
        assertThat(g.delta()).isEqualTo(d);
        assertThat(g.gamma()).isZero();
        assertThat(g.vega()).isZero();
        assertThat(g.vanna()).isZero();
        assertThat(g.volga()).isZero();
        Black76.greeks(false, 100, 90, t, vol, d, g);
        assertThat(g.price()).isZero();
        assertThat(g.delta()).isZero();
        assertThat(g.theta()).isZero();
        Black76.greeks(false, 100, 110, t, vol, d, g);
        assertThat(g.price()).isEqualTo(10 * d);
        assertThat(g.delta()).isEqualTo(-d);
        // at the money: delta is half, price zero
        Black76.greeks(true, 100, 100, t, vol, d, g);
        assertThat(g.price()).isZero();
        assertThat(g.delta()).isEqualTo(0.5 * d);
        assertThat(Black76.price(false, 100, 100, t, vol, d)).isZero();
      }
    }
    // σ = 0, τ > 0 with discounting: theta is the pure discount term r·V/365.
    double rate = -Math.log(df) / 0.5;
    Black76.greeks(true, 100, 90, 0.5, 0.0, df, g);
    assertThat(g.theta()).isCloseTo(rate * 10 * df / 365, offset(1e-15));
    // ... and the σ → 0⁺ limits of vega and vanna at the money are finite and match a tiny σ.
    Greeks tiny = new Greeks();
    Black76.greeks(true, 100, 100, 0.5, 0.0, df, g);
    Black76.greeks(true, 100, 100, 0.5, 1e-12, df, tiny);
    assertThat(g.vega()).isCloseTo(tiny.vega(), offset(1e-12));
    assertThat(g.vanna()).isCloseTo(tiny.vanna(), offset(1e-12));
  }

  @Test
  void vanishingTimeConvergesToIntrinsic() {
    double previous = Double.NaN;
    for (double t = 1e-2; t >= 1e-300; t *= 1e-4) {
      double call = Black76.price(true, 100, 99, t, 0.8, 1.0);
      assertThat(call).isGreaterThanOrEqualTo(1.0).isLessThanOrEqualTo(previous > 0 ? previous : 100);
      previous = call;
    }
    assertThat(Black76.price(true, 100, 99, 1e-300, 0.8, 1.0)).isEqualTo(1.0);
    assertThat(Black76.price(true, 100, 101, 1e-300, 0.8, 1.0)).isZero();
  }

  @Test
  void deepInAndOutOfTheMoneyStayFiniteAndBounded() {
    Greeks g = new Greeks();
    for (double m : new double[] {-700, -50, -20, -8, 8, 20, 50, 700}) {
      for (double vol : new double[] {1e-6, 0.05, 1, 30}) {
        for (boolean call : new boolean[] {true, false}) {
          double k = 100 * Math.exp(m);
          Black76.greeks(call, 100, k, 1.0, vol, 0.99, g);
          double intrinsic = 0.99 * Math.max(call ? 100 - k : k - 100, 0);
          double upper = 0.99 * (call ? 100 : k);
          assertThat(g.price()).as("m=%s vol=%s call=%s", m, vol, call)
              .isGreaterThanOrEqualTo(intrinsic * (1 - 1e-15)).isLessThanOrEqualTo(upper);
          for (double v : new double[] {g.delta(), g.gamma(), g.vega(), g.theta(), g.vanna(),
              g.volga()}) {
            assertThat(v).as("m=%s vol=%s call=%s %s", m, vol, call, g).isFinite();
          }
          assertThat(Math.abs(g.delta())).isLessThanOrEqualTo(0.99);
          assertThat(g.gamma()).isGreaterThanOrEqualTo(0);
          assertThat(g.vega()).isGreaterThanOrEqualTo(0);
        }
      }
    }
  }

  @Test
  void argumentsAreCheckedWithTheBadValueInTheMessage() {
    assertThatThrownBy(() -> Black76.price(true, -1, 100, 1, 0.2, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("forward")
        .hasMessageContaining("-1.0");
    assertThatThrownBy(() -> Black76.price(true, 100, 0, 1, 0.2, 1))
        .hasMessageContaining("strike").hasMessageContaining("0.0");
    assertThatThrownBy(() -> Black76.price(true, 100, 100, -0.5, 0.2, 1))
        .hasMessageContaining("timeToExpiry").hasMessageContaining("-0.5");
    assertThatThrownBy(() -> Black76.price(true, 100, 100, 1, Double.NaN, 1))
        .hasMessageContaining("vol").hasMessageContaining("NaN");
    assertThatThrownBy(() -> Black76.price(true, 100, 100, 1, 0.2, Double.POSITIVE_INFINITY))
        .hasMessageContaining("discountFactor").hasMessageContaining("Infinity");
    assertThatThrownBy(() -> Black76.greeks(true, 100, 100, 1, 0.2, 1, null))
        .hasMessageContaining("out");
  }
}
