package io.ballast.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NormalDistributionTest {

  /**
   * x, Φ(x), φ(x): 60-digit values from mpmath ({@code ncdf(mpf(x))}, {@code npdf(mpf(x))}) rounded to
   * the nearest double.
   */
  private static final double[][] CDF_PDF = {
      {-38.0, 2.88542835e-316, 1.097221052e-314},
      {-37.5, 4.605353009581955e-308, 1.7282337322841054e-306},
      {-35.0, 1.1249107064724062e-268, 3.940396277136024e-267},
      {-30.0, 4.906713927148187e-198, 1.4736461348785476e-196},
      {-26.5, 4.8461626603033206e-155, 1.2860566740713691e-153},
      {-20.0, 2.7536241186062337e-89, 5.520948362159764e-88},
      {-15.5, 1.7344607917938702e-54, 2.699513024588587e-53},
      {-12.25, 8.399796063633417e-35, 1.035743509620835e-33},
      {-10.0, 7.619853024160525e-24, 7.694598626706419e-23},
      {-8.0, 6.220960574271784e-16, 5.052271083536892e-15},
      {-6.5, 4.016000583859118e-11, 2.669556614762852e-10},
      {-5.0, 2.866515718791939e-07, 1.4867195147342977e-06},
      {-4.0, 3.1671241833119924e-05, 0.00013383022576488534},
      {-3.0, 0.0013498980316300946, 0.0044318484119380075},
      {-2.5, 0.006209665325776135, 0.017528300493568537},
      {-2.0, 0.02275013194817921, 0.05399096651318805},
      {-1.5, 0.06680720126885807, 0.12951759566589172},
      {-1.0, 0.15865525393145705, 0.24197072451914334},
      {-0.75, 0.2266273523768682, 0.30113743215480443},
      {-0.5, 0.3085375387259869, 0.35206532676429947},
      {-0.25, 0.4012936743170763, 0.3866681168028492},
      {-0.1, 0.460172162722971, 0.39695254747701175},
      {-0.001, 0.49960105778608893, 0.39894208093034234},
      {-1e-08, 0.4999999960105772, 0.39894228040143265},
      {0.0, 0.5, 0.3989422804014327},
      {1e-08, 0.5000000039894228, 0.39894228040143265},
      {0.1, 0.539827837277029, 0.39695254747701175},
      {0.5, 0.6914624612740131, 0.35206532676429947},
      {1.0, 0.8413447460685429, 0.24197072451914334},
      {2.0, 0.9772498680518208, 0.05399096651318805},
      {3.0, 0.9986501019683699, 0.0044318484119380075},
      {5.0, 0.9999997133484281, 1.4867195147342977e-06},
      {8.0, 0.9999999999999993, 5.052271083536892e-15},
  };

  /** p, Φ⁻¹(p): mpmath {@code -sqrt(2)*erfinv(1-2p)} at 400 digits, rounded to double. */
  private static final double[][] QUANTILES = {
      {1e-300, -37.0470962993612},
      {1e-200, -30.20559417957964},
      {1e-100, -21.273453560965326},
      {1e-50, -14.933337534788489},
      {1e-20, -9.262340089798407},
      {1e-10, -6.361340902404057},
      {1e-05, -4.264890793922825},
      {0.001, -3.0902323061678136},
      {0.01, -2.326347874040841},
      {0.025, -1.9599639845400543},
      {0.1, -1.2815515655446004},
      {0.25, -0.6744897501960817},
      {0.4, -0.2533471031357997},
      {0.5, 0.0},
      {0.6, 0.2533471031357997},
      {0.75, 0.6744897501960817},
      {0.9, 1.2815515655446006},
      {0.975, 1.9599639845400538},
      {0.99, 2.3263478740408408},
      {0.999, 3.090232306167813},
      {0.999999, 4.753424308817087},
  };

  static double ulps(double actual, double expected) {
    if (actual == expected) {
      return 0;
    }
    return Math.abs(actual - expected) / Math.ulp(expected);
  }

  @Test
  void cdfIsWithinThreeUlpDownToTheUnderflowPoint() {
    for (double[] row : CDF_PDF) {
      double x = row[0];
      double expected = row[1];
      if (expected < Double.MIN_NORMAL) {
        // Subnormal results carry fewer digits: absolute accuracy of one subnormal step.
        assertThat(Math.abs(NormalDistribution.cdf(x) - expected)).as("cdf(%s)", x)
            .isLessThanOrEqualTo(Double.MIN_VALUE * 4);
        continue;
      }
      assertThat(ulps(NormalDistribution.cdf(x), expected)).as("cdf(%s) in ulp", x)
          .isLessThanOrEqualTo(3.0);
    }
  }

  @Test
  void naiveScalingWouldLoseDigitsInTheTail() {
    // The reason for the double-double scaling: the textbook formula is off by > 100 ulp here.
    double naive = 0.5 * org.apache.commons.numbers.gamma.Erfc.value(30.0 / Math.sqrt(2.0));
    assertThat(ulps(naive, 4.906713927148187e-198)).isGreaterThan(100.0);
    assertThat(ulps(NormalDistribution.cdf(-30.0), 4.906713927148187e-198)).isLessThanOrEqualTo(3.0);
  }

  @Test
  void pdfIsWithinTwoUlp() {
    for (double[] row : CDF_PDF) {
      if (row[2] < Double.MIN_NORMAL) {
        continue;
      }
      assertThat(ulps(NormalDistribution.pdf(row[0]), row[2])).as("pdf(%s) in ulp", row[0])
          .isLessThanOrEqualTo(2.0);
    }
  }

  @Test
  void symmetryAndLimits() {
    for (double x = -8; x <= 8; x += 0.125) {
      assertThat(NormalDistribution.cdf(x) + NormalDistribution.cdf(-x)).isCloseTo(1.0,
          org.assertj.core.data.Offset.offset(2e-16));
      assertThat(NormalDistribution.survival(x)).isEqualTo(NormalDistribution.cdf(-x));
      assertThat(NormalDistribution.pdf(x)).isEqualTo(NormalDistribution.pdf(-x));
    }
    assertThat(NormalDistribution.cdf(Double.NEGATIVE_INFINITY)).isZero();
    assertThat(NormalDistribution.cdf(Double.POSITIVE_INFINITY)).isEqualTo(1.0);
    assertThat(NormalDistribution.cdf(-40.0)).isZero();
    assertThat(NormalDistribution.pdf(Double.POSITIVE_INFINITY)).isZero();
  }

  @Test
  void inverseCdfMatchesReferenceQuantiles() {
    for (double[] row : QUANTILES) {
      double p = row[0];
      double expected = row[1];
      double actual = NormalDistribution.inverseCdf(p);
      if (expected == 0) {
        assertThat(actual).isCloseTo(0.0, org.assertj.core.data.Offset.offset(1e-300));
        continue;
      }
      // Conditioning: dx/x = dp/(p·x·φ(x)/p); allow 4 ulp plus what one ulp of p is worth.
      double conditioning = Math.ulp(p) / NormalDistribution.pdf(expected) / Math.ulp(expected);
      assertThat(ulps(actual, expected)).as("inverseCdf(%s) in ulp", p)
          .isLessThanOrEqualTo(4.0 + conditioning);
    }
  }

  @Test
  void inverseCdfRoundTrips() {
    for (double x = -37.5; x <= 8.0; x += 0.0625) {
      double p = NormalDistribution.cdf(x);
      double back = NormalDistribution.inverseCdf(p);
      // |Δx| ≲ (relative error of p) · p/φ(x) ≈ few ulp(p)/φ(x)
      double bound = 8 * Math.ulp(p) / NormalDistribution.pdf(x) + 4 * Math.ulp(x);
      assertThat(Math.abs(back - x)).as("x = %s", x).isLessThanOrEqualTo(bound);
    }
  }

  @Test
  void inverseCdfEdgesAndBadArguments() {
    assertThat(NormalDistribution.inverseCdf(0.0)).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(NormalDistribution.inverseCdf(1.0)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(NormalDistribution.inverseCdf(Double.MIN_VALUE)).isFinite().isLessThan(-38);
    assertThatThrownBy(() -> NormalDistribution.inverseCdf(1.5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.5");
    assertThatThrownBy(() -> NormalDistribution.inverseCdf(-0.1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-0.1");
    assertThatThrownBy(() -> NormalDistribution.inverseCdf(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
  }
}
