package io.ballast.domain;

import io.ballast.avro.SignalStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** MARGIN_USAGE and LIQUIDATION_BUFFER: one BREACH, one CLEARED, and what restores the limit. */
class PortfolioRulesTest {

    private static final PortfolioRules.Limits LIMITS = new PortfolioRules.Limits(0.8, 0.15);

    private static PortfolioMargin margin(double equity, double margin, Double down, Double up, Double lossDown,
                                          Double lossUp) {
        return new PortfolioMargin(equity, margin, equity > 0 ? margin / equity : null, -0.3, 0.5, down, up,
                lossDown, lossUp);
    }

    @Test
    void marginUsageBreachesOnceAndClearsOnce() {
        PortfolioRules.State s = PortfolioRules.State.INITIAL;
        PortfolioRules.Decision d = PortfolioRules.decide(s, "lp1", margin(100_000, 50_000, -0.5, 0.9, 0.0, 0.0), LIMITS, 1);
        assertThat(d.signals()).isEmpty();
        d = PortfolioRules.decide(d.state(), "lp1", margin(100_000, 90_000, -0.5, 0.9, 0.0, 0.0), LIMITS, 2);
        assertThat(d.signals()).hasSize(1);
        PortfolioSignal breach = d.signals().get(0);
        assertThat(breach.signalId()).isEqualTo("lp1/*/MARGIN_USAGE/1");
        assertThat(breach.type()).isEqualTo(PortfolioSignalType.MARGIN_USAGE);
        assertThat(breach.status()).isEqualTo(SignalStatus.BREACH);
        assertThat(breach.marginUsage()).isEqualTo(0.9);
        assertThat(breach.threshold()).isEqualTo(0.8);
        assertThat(breach.eventTime()).isEqualTo(2);
        // C = M/u − E = 90,000/0.8 − 100,000 = 12,500; x = 1 − u·E/M = 1 − 80,000/90,000 = 11.11%
        assertThat(breach.reason()).isEqualTo("margin usage 0.9000 (margin 90000.0 / equity 100000) exceeds the limit"
                + " 0.8000, worst scenario spot -30.00% vol 50.00%: add 12500.0 USD of collateral or cut 11.11% of the"
                + " worst scenario's loss");
        d = PortfolioRules.decide(d.state(), "lp1", margin(100_000, 95_000, -0.5, 0.9, 0.0, 0.0), LIMITS, 3);
        assertThat(d.signals()).as("no repeat while breached").isEmpty();
        d = PortfolioRules.decide(d.state(), "lp1", margin(130_000, 95_000, -0.5, 0.9, 0.0, 0.0), LIMITS, 4);
        assertThat(d.signals()).singleElement().satisfies(c -> {
            assertThat(c.status()).isEqualTo(SignalStatus.CLEARED);
            assertThat(c.signalId()).isEqualTo("lp1/*/MARGIN_USAGE/2");
            assertThat(c.reason()).startsWith("margin usage 0.7308").contains("back within the limit 0.8000");
        });
        assertThat(PortfolioRules.decide(d.state(), "lp1", margin(130_000, 95_000, -0.5, 0.9, 0.0, 0.0), LIMITS, 5)
                .signals()).isEmpty();
    }

    @Test
    void theRestoreAmountsRestoreTheLimitExactly() {
        double e = 100_000;
        double m = 90_000;
        double u = 0.8;
        double c = PortfolioRules.marginCollateralToAdd(e, m, u);
        assertThat(m / (e + c)).isCloseTo(u, within(1e-15));
        double x = PortfolioRules.marginShareToCut(e, m, u);
        assertThat((1 - x) * m / e).isCloseTo(u, within(1e-15));
        assertThat(PortfolioRules.marginBreached(margin(e + c * (1 + 1e-12), m, null, null, null, null), u)).isFalse();
        double loss = 140_000;
        assertThat(e + PortfolioRules.bufferCollateralToAdd(e, loss) - loss).isZero();
        assertThat(e - (1 - PortfolioRules.bufferShareToCut(e, loss)) * loss).isCloseTo(0, within(1e-9));
    }

    @Test
    void noEquityWithMarginIsABreachThatOnlyCollateralRestores() {
        PortfolioRules.Decision d = PortfolioRules.decide(PortfolioRules.State.INITIAL, "lp1",
                margin(-5_000, 20_000, 0.0, 0.0, 20_000.0, 0.0), new PortfolioRules.Limits(0.8, null), 9);
        assertThat(d.signals()).singleElement().satisfies(b -> {
            assertThat(b.status()).isEqualTo(SignalStatus.BREACH);
            assertThat(b.marginUsage()).isNull();
            // C = 20,000/0.8 + 5,000 = 30,000
            assertThat(b.reason()).contains("undefined (equity -5000.00 ≤ 0").contains("add 30000.0 USD of collateral")
                    .contains("no cut of the loss suffices");
        });
        assertThat(PortfolioRules.marginBreached(margin(-5_000, 0, 0.0, 0.0, null, null), 0.8))
                .as("no margin, no breach").isFalse();
    }

    @Test
    void liquidationBufferBreachesWhenAMoveIsWithinTheLimit() {
        PortfolioRules.Limits bufferOnly = new PortfolioRules.Limits(null, 0.15);
        PortfolioRules.Decision d = PortfolioRules.decide(PortfolioRules.State.INITIAL, "lp2",
                margin(100_000, 40_000, -0.4, null, 60_000.0, 0.0), bufferOnly, 1);
        assertThat(d.signals()).isEmpty();
        d = PortfolioRules.decide(d.state(), "lp2", margin(100_000, 40_000, -0.4, 0.12, 60_000.0, 125_000.0),
                bufferOnly, 2);
        assertThat(d.signals()).singleElement().satisfies(b -> {
            assertThat(b.signalId()).isEqualTo("lp2/*/LIQUIDATION_BUFFER/1");
            assertThat(b.status()).isEqualTo(SignalStatus.BREACH);
            assertThat(b.liquidationMoveUp()).isEqualTo(0.12);
            assertThat(b.threshold()).isEqualTo(0.15);
            // L = 125,000 (the breached side): C = 25,000, x = 1 − 100,000/125,000 = 20%
            assertThat(b.reason()).isEqualTo("liquidation moves down -40.00%, up 12.00% (equity 100000) within the"
                    + " buffer 15.00%, largest loss within it 125000: add 25000.0 USD of collateral or cut 20.00% of"
                    + " that loss");
        });
        d = PortfolioRules.decide(d.state(), "lp2", margin(100_000, 40_000, -0.14, 0.12, 101_000.0, 125_000.0),
                bufferOnly, 3);
        assertThat(d.signals()).isEmpty();
        d = PortfolioRules.decide(d.state(), "lp2", margin(200_000, 40_000, -0.4, null, 60_000.0, 125_000.0),
                bufferOnly, 4);
        assertThat(d.signals()).singleElement().satisfies(c -> {
            assertThat(c.status()).isEqualTo(SignalStatus.CLEARED);
            assertThat(c.signalId()).isEqualTo("lp2/*/LIQUIDATION_BUFFER/2");
            assertThat(c.reason()).contains("up none").contains("outside the buffer 15.00%");
        });
    }

    @Test
    void aRemovedLimitClearsABreach() {
        PortfolioRules.Decision d = PortfolioRules.decide(PortfolioRules.State.INITIAL, "lp1",
                margin(100_000, 90_000, -0.1, 0.1, 100_500.0, 100_500.0), LIMITS, 1);
        assertThat(d.signals()).extracting(PortfolioSignal::signalId)
                .containsExactly("lp1/*/MARGIN_USAGE/1", "lp1/*/LIQUIDATION_BUFFER/2");
        d = PortfolioRules.decide(d.state(), "lp1", margin(100_000, 90_000, -0.1, 0.1, null, null),
                new PortfolioRules.Limits(null, null), 2);
        assertThat(d.signals()).extracting(PortfolioSignal::reason)
                .containsExactly("margin usage limit removed", "liquidation buffer limit removed");
        assertThat(d.signals()).allSatisfy(s -> assertThat(s.threshold()).isNaN());
        assertThat(d.state()).isEqualTo(new PortfolioRules.State(false, false, 4));
    }

    @Test
    void badInputsAreRefused() {
        assertThatThrownBy(() -> new PortfolioRules.Limits(0.0, null)).hasMessageContaining("maxMarginUsage").hasMessageContaining("0.0");
        assertThatThrownBy(() -> PortfolioRules.decide(PortfolioRules.State.INITIAL, "a/b",
                margin(1, 0, null, null, null, null), LIMITS, 0)).hasMessageContaining("a/b");
        assertThatThrownBy(() -> new PortfolioMargin(1, -2, null, 0, 0, null, null, null, null)).hasMessageContaining("-2.0");
    }
}
