package io.ballast.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class HedgingAndQuotingTest {

  @Test
  void whalleyWilmottBand() {
    // (3/2 · 0.99 · 0.0005 · 97000 · 0.002² / 0.1)^{1/3}
    double expected = Math.cbrt(1.5 * 0.99 * 0.0005 * 97_000 * 0.002 * 0.002 / 0.1);
    assertThat(WhalleyWilmott.band(0.99, 0.0005, 97_000, 0.002, 0.1)).isCloseTo(expected,
        offset(1e-15));
    assertThat(WhalleyWilmott.band(0.99, 0.0005, 97_000, -0.002, 0.1)).isCloseTo(expected,
        offset(1e-15));
    assertThat(expected).isCloseTo(0.1423, offset(1e-4)); // by hand: cbrt(2.881e-3)
    // doubling gamma widens the band by 2^{2/3}; more risk aversion narrows it
    assertThat(WhalleyWilmott.band(1, 0.001, 100, 0.1, 1) / WhalleyWilmott.band(1, 0.001, 100, 0.05, 1))
        .isCloseTo(Math.pow(2, 2.0 / 3), offset(1e-12));
    assertThat(WhalleyWilmott.bandAtLeast(0.5, 0.99, 0.0005, 97_000, 0.002, 0.1)).isEqualTo(0.5);
    assertThat(WhalleyWilmott.bandAtLeast(0.1, 0.99, 0.0005, 97_000, 0.002, 0.1))
        .isCloseTo(expected, offset(1e-15));
    assertThat(WhalleyWilmott.band(1, 0, 100, 0.1, 1)).isZero();
    assertThatThrownBy(() -> WhalleyWilmott.band(1, 0.001, 100, 0.1, 0))
        .hasMessageContaining("riskAversion").hasMessageContaining("0.0");
  }

  @Test
  void avellanedaStoikovReservationPriceAndSpread() {
    double s = 97_000;
    double sigma = 0.6 * s; // realizedVol·S
    double tau = TimeToExpiry.years(60_000); // one minute
    double gamma = 1e-4;
    double k = 0.05;
    double q = 2.5;
    double r = AvellanedaStoikov.reservationPrice(s, q, gamma, sigma, tau);
    assertThat(r).isCloseTo(s - q * gamma * sigma * sigma * tau, offset(1e-9));
    assertThat(r).isLessThan(s); // long inventory: quote lower
    assertThat(AvellanedaStoikov.reservationPrice(s, -q, gamma, sigma, tau) - s)
        .isCloseTo(s - r, offset(1e-9));
    double delta = AvellanedaStoikov.halfSpread(gamma, sigma, tau, k);
    assertThat(delta).isCloseTo(
        (gamma * sigma * sigma * tau + 2 / gamma * Math.log(1 + gamma / k)) / 2, offset(1e-9));
    double bid = AvellanedaStoikov.bidOffset(s, q, gamma, sigma, tau, k);
    double ask = AvellanedaStoikov.askOffset(s, q, gamma, sigma, tau, k);
    assertThat(bid).isCloseTo(r - delta - s, offset(1e-9));
    assertThat(ask).isCloseTo(r + delta - s, offset(1e-9));
    assertThat(ask - bid).isCloseTo(2 * delta, offset(1e-9));
    // flat inventory: symmetric quotes
    assertThat(AvellanedaStoikov.bidOffset(s, 0, gamma, sigma, tau, k))
        .isCloseTo(-AvellanedaStoikov.askOffset(s, 0, gamma, sigma, tau, k), offset(1e-9));
    // γ → 0: the spread tends to 2/k
    assertThat(2 * AvellanedaStoikov.halfSpread(1e-12, 0, 0, k)).isCloseTo(2 / k, offset(1e-9));
  }

  @Test
  void gueantLehalleFernandezTapiaQuotes() {
    double sigma = 30; // price units per √(time unit of A)
    double gamma = 0.01;
    double a = 1.5;
    double k = 0.3;
    double c = GueantLehalleFernandezTapia.inventoryShift(sigma, gamma, a, k);
    assertThat(c).isCloseTo(
        Math.sqrt(sigma * sigma * gamma / (2 * k * a) * Math.pow(1 + gamma / k, 1 + k / gamma)),
        offset(1e-12));
    double base = GueantLehalleFernandezTapia.baseOffset(gamma, k);
    assertThat(base).isCloseTo(Math.log(1 + gamma / k) / gamma, offset(1e-12));
    for (double q : new double[] {-3, -1, 0, 2, 5}) {
      double bid = GueantLehalleFernandezTapia.bidOffset(q, sigma, gamma, a, k);
      double ask = GueantLehalleFernandezTapia.askOffset(q, sigma, gamma, a, k);
      assertThat(bid).isCloseTo(base + (2 * q + 1) / 2 * c, offset(1e-9));
      assertThat(ask).isCloseTo(base - (2 * q - 1) / 2 * c, offset(1e-9));
      // the spread does not depend on inventory; the quotes shift by c per unit
      assertThat(bid + ask).isCloseTo(2 * base + c, offset(1e-9));
    }
    assertThat(GueantLehalleFernandezTapia.bidOffset(0, sigma, gamma, a, k))
        .isCloseTo(GueantLehalleFernandezTapia.askOffset(0, sigma, gamma, a, k), offset(1e-12));
    assertThatThrownBy(() -> GueantLehalleFernandezTapia.inventoryShift(1, 1, 0, 1))
        .hasMessageContaining("fillRate").hasMessageContaining("0.0");
  }

  @Test
  void timeToExpiryIsAct365OnMilliseconds() {
    assertThat(TimeToExpiry.MILLIS_PER_YEAR).isEqualTo(31_536_000_000L);
    long asOf = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    assertThat(TimeToExpiry.years(asOf + 31_536_000_000L, asOf)).isEqualTo(1.0);
    assertThat(TimeToExpiry.years(asOf + 86_400_000L, asOf)).isEqualTo(1.0 / 365);
    assertThat(TimeToExpiry.years(asOf - 86_400_000L, asOf)).isNegative();
    assertThat(TimeToExpiry.years(60_000)).isEqualTo(60_000 / 31_536_000_000.0);
  }
}
