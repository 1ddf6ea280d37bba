package io.ballast.quant;

import static io.ballast.quant.NormalDistributionTest.ulps;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrorFunctionTest {

  /** x, erfc(x), erfcx(x): mpmath at 60 digits of the double x, rounded to double. */
  private static final double[][] VALUES = {
      {-5.0, 1.9999999999984626, 144009798674.66104},
      {-1.0, 1.8427007929497148, 5.008980080762283},
      {-0.3, 1.3286267594591274, 1.4537492328427655},
      {0.0, 1.0, 1.0},
      {1e-10, 0.999999999887162, 0.999999999887162},
      {0.2, 0.7772974107895215, 0.8090195199015807},
      {0.46875, 0.507386526782062, 0.6320696892495561},
      {0.5, 0.4795001221869535, 0.6156903441929259},
      {1.0, 0.15729920705028513, 0.427583576155807},
      {2.0, 0.004677734981047266, 0.25539567631050575},
      {3.9, 3.4792248597231765e-08, 0.14031418160068973},
      {4.0, 1.541725790028002e-08, 0.13699945762506138},
      {4.1, 6.700027654084918e-09, 0.133834116418652},
      {10.0, 2.088487583762545e-45, 0.05614099274382259},
      {26.0, 5.663192408856143e-296, 0.021683584850562907},
      {1000.0, 0.0, 0.0005641893014533876},
      {100000000.0, 0.0, 5.641895835477562e-09},
  };

  @Test
  void codyApproximationsAreWithinFiveUlp() {
    for (double[] row : VALUES) {
      double x = row[0];
      if (row[1] > Double.MIN_NORMAL || row[1] == 0) {
        assertThat(ulps(ErrorFunction.erfc(x), row[1])).as("erfc(%s)", x).isLessThanOrEqualTo(5);
      }
      assertThat(ulps(ErrorFunction.erfcx(x), row[2])).as("erfcx(%s)", x).isLessThanOrEqualTo(5);
    }
  }

  @Test
  void agreesWithCommonsNumbersOnADenseGrid() {
    for (double x = -6; x <= 27; x += 1.0 / 64) {
      double commons = org.apache.commons.numbers.gamma.Erfc.value(x);
      if (commons > Double.MIN_NORMAL) {
        assertThat(ulps(ErrorFunction.erfc(x), commons)).as("erfc(%s)", x).isLessThanOrEqualTo(8);
      }
      double commonsX = org.apache.commons.numbers.gamma.Erfcx.value(x);
      assertThat(ulps(ErrorFunction.erfcx(x), commonsX)).as("erfcx(%s)", x).isLessThanOrEqualTo(8);
      assertThat(ulps(ErrorFunction.erf(x), org.apache.commons.numbers.gamma.Erf.value(x)))
          .as("erf(%s)", x).isLessThanOrEqualTo(8);
    }
  }
}
