package io.ballast.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class DailyThetaTest {

  // Expected values of the one-day decay: mpmath at 30 digits (Black-76, r = 0), not this code.
  @Test
  void oneDayDecayIsTheValueLostOverTheNextCalendarDay() {
    assertThat(DailyTheta.oneDayDecay(true, 100, 100, 10 / 365.0, 0.5, 1.0))
        .isCloseTo(-0.16929311741014712, offset(1e-13));
    assertThat(DailyTheta.oneDayDecay(true, 3900, 4000, 3 / 365.0, 0.7, 1.0))
        .isCloseTo(-16.639792028933655, offset(1e-10));
  }

  @Test
  void withLessThanADayLeftTheDecayIsTheWholeTimeValue() {
    // V(0) is intrinsic: the put (out of the money) loses its whole value 15.658…, the call
    // (in the money, the same time value by parity) loses the same 15.658…, not its 5015.658…
    assertThat(DailyTheta.oneDayDecay(false, 110000, 105000, 0.5 / 365, 0.6, 1.0))
        .isCloseTo(-15.658121677641021, offset(1e-8));
    assertThat(DailyTheta.oneDayDecay(true, 110000, 105000, 0.5 / 365, 0.6, 1.0))
        .isCloseTo(-15.658121677641021, offset(1e-8));
  }

  @Test
  void deribitsConventionScalesToTheTimeLeftAndNeverLosesMoreThanTheValue() {
    // a day or more out: θ itself
    assertThat(DailyTheta.deribit(-10.0, 100.0, 2 / 365.0)).isEqualTo(-10.0);
    assertThat(DailyTheta.deribit(-10.0, 100.0, 1 / 365.0)).isCloseTo(-10.0, offset(1e-12));
    // half a day left: half of θ
    assertThat(DailyTheta.deribit(-10.0, 100.0, 0.5 / 365)).isCloseTo(-5.0, offset(1e-12));
    // … but never more than the option is worth
    assertThat(DailyTheta.deribit(-10.0, 3.0, 0.5 / 365)).isEqualTo(-3.0);
    assertThat(DailyTheta.deribit(-10.0, 3.0, 30 / 365.0)).isEqualTo(-3.0);
    assertThat(DailyTheta.deribit(-10.0, 0.0, 0.0)).isEqualTo(0.0);
    assertThatThrownBy(() -> DailyTheta.deribit(-1.0, -1.0, 0.1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("price");
  }

  @Test
  void deribitsConventionReproducesDeribitsPublishedTheta() {
    // Rows of shared/data/deribit/BTC_20251024_231900.csv (Deribit's numbers, USD per day; τ from the
    // rows' timestamps, 2025-10-24T23:15:33.312586 and …33.619038 at UTC+3, to the expiry
    // 2025-10-25T08:00Z, about 0.489 days). The tolerance, 0.2 USD, covers mark_iv's rounding and
    // the forward's drift while the file was collected (DeribitAgreementTest derives both).
    Greeks g = new Greeks();
    long expiry = 1761379200000L;
    // BTC-25OCT25-110000-C, in the money: θ scaled to the 0.489 day left
    assertThat(DailyTheta.deribit(true, 110679.2357, 110000, (expiry - 1761336933312L)
        / 31_536_000_000.0, 0.2218, 1.0, g)).isCloseTo(-134.04667, offset(0.2));
    // BTC-25OCT25-110000-P, out of the money: its whole value
    assertThat(DailyTheta.deribit(false, 110679.2357, 110000, (expiry - 1761336933619L)
        / 31_536_000_000.0, 0.2218, 1.0, g))
        .isCloseTo(-116.03383, offset(0.2));
    assertThat(g.theta()).isLessThan(-270); // Black-76's −∂V/∂τ/365 is more than twice as large
  }
}
