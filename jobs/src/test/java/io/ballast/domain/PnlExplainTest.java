package io.ballast.domain;

import io.ballast.quant.Black76;
import io.ballast.quant.Greeks;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** P&L explain: intervals on hand-made books, and the day it accumulates in. */
class PnlExplainTest {

    private static final long T0 = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();

    /** One option of a test book. */
    private record Opt(String key, boolean call, double strike, long expiry, double quantity, double multiplier) {
    }

    private static final List<Opt> BOOK = List.of(
            new Opt("C105", true, 105_000, T0 + 30 * 86_400_000L, -4, 1),
            new Opt("P90", false, 90_000, T0 + 30 * 86_400_000L, 6, 1),
            new Opt("C120", true, 120_000, T0 + 120 * 86_400_000L, 2.5, 1),
            new Opt("P100", false, 100_000, T0 + 7 * 86_400_000L, -3, 0.1));

    /** The book marked with forwards f·(ratio of each expiry), one vol per option, plus a linear hedge. */
    private static BookMark mark(long asOf, double s, double volShift, double linearUnits) {
        Greeks g = new Greeks();
        List<PositionMark> marks = new ArrayList<>();
        double[] basis = {1.002, 1.002, 1.011, 1.0005};
        double[] vols = {0.52, 0.61, 0.55, 0.58};
        for (int i = 0; i < BOOK.size(); i++) {
            Opt o = BOOK.get(i);
            double f = s * basis[i];
            double tau = (o.expiry() - asOf) / (365.0 * 86_400_000);
            double vol = vols[i] + volShift;
            Black76.greeks(o.call(), f, o.strike(), tau, vol, 1, g);
            double units = o.quantity() * o.multiplier();
            marks.add(new PositionMark(o.key(), o.quantity(), f, units * g.price(), units * g.delta(),
                    units * g.gamma(), units * g.vega(), units * g.theta(), vol));
        }
        marks.add(PositionMark.linear("BTC-PERP", linearUnits, 1, s, linearUnits * s));
        return new BookMark(asOf, s, marks);
    }

    @Test
    void aPureSpotMoveOfATenthOfAPercentIsDeltaPlusGamma() {
        BookMark before = mark(T0, 100_000, 0, -0.7);
        BookMark after = mark(T0, 100_000 * 1.001, 0, -0.7);
        PnlExplain e = PnlExplain.between(before, after);
        assertThat(e.total()).isNotZero();
        assertThat(e.vega()).isZero();
        assertThat(e.theta()).isZero();
        assertThat(e.delta() + e.gamma()).isCloseTo(e.total(), within(1e-3 * Math.abs(e.total())));
        assertThat(e.unexplained()).isCloseTo(e.total() - e.delta() - e.gamma(), within(1e-12 * Math.abs(e.total())));
        // Every price moved by the same 0.1%: Σ Δᵢ·dFᵢ with dFᵢ = 0.001·Fᵢ.
        double delta = 0;
        for (PositionMark p : before.positions()) {
            delta += p.delta() * 0.001 * p.price();
        }
        assertThat(e.delta()).isCloseTo(delta, within(1e-9 * Math.abs(delta)));
    }

    @Test
    void whenEveryPriceIsSTheDeltaIsTheBooksDeltaTimesDS() {
        PositionMark a = new PositionMark("X", 1, 100, 10, 0.6, 0.02, 0.3, -0.1, 0.5);
        PositionMark b = PositionMark.linear("PERP", -2, 1, 100, -200);
        BookMark start = new BookMark(T0, 100, List.of(a, b));
        BookMark end = new BookMark(T0 + 43_200_000L, 103, List.of(
                new PositionMark("X", 1, 103, 12, 0.6, 0.02, 0.3, -0.1, 0.52),
                PositionMark.linear("PERP", -2, 1, 103, -206)));
        PnlExplain e = PnlExplain.between(start, end);
        assertThat(e.delta()).isCloseTo(start.netDelta() * 3, within(1e-12));          // (0.6 − 2)·3 = −4.2
        assertThat(e.gamma()).isCloseTo(0.5 * 0.02 * 9, within(1e-12));                 // 0.09
        assertThat(e.vega()).isCloseTo(0.3 * 2, within(1e-12));                          // 2 vol points
        assertThat(e.theta()).isCloseTo(-0.05, within(1e-12));                           // half a day
        assertThat(e.total()).isCloseTo(2 - 6, within(1e-12));
        assertThat(e.unexplained()).isCloseTo(-4 - (-4.2 + 0.09 + 0.6 - 0.05), within(1e-12));
        assertThat(e.since()).isEqualTo(T0);
        // The same positions listed in the other order at the end: matched by key, the same explain.
        PnlExplain swapped = PnlExplain.between(start, new BookMark(end.asOf(), 103,
                List.of(end.positions().get(1), end.positions().get(0))));
        assertThat(swapped).isEqualTo(e);
    }

    @Test
    void timeAndVolAreExplainedByThetaAndVega() {
        PnlExplain time = PnlExplain.between(mark(T0, 100_000, 0, 0), mark(T0 + 3_600_000L, 100_000, 0, 0));
        assertThat(time.theta()).isCloseTo(time.total(), within(0.05 * Math.abs(time.total())));
        PnlExplain vol = PnlExplain.between(mark(T0, 100_000, 0, 0), mark(T0, 100_000, 0.001, 0));
        assertThat(vol.vega()).isCloseTo(vol.total(), within(1e-2 * Math.abs(vol.total())));
    }

    @Test
    void anIntervalExplainsOnlyPositionsHeldThroughIt() {
        BookMark start = mark(T0, 100_000, 0, 1);
        assertThatThrownBy(() -> PnlExplain.between(start, mark(T0 + 1, 100_000, 0, 2)))
                .hasMessageContaining("BTC-PERP").hasMessageContaining("1.0").hasMessageContaining("2.0");
        assertThatThrownBy(() -> PnlExplain.between(start, mark(T0 - 1, 100_000, 0, 1))).hasMessageContaining("before");
    }

    @Test
    void theDayRestartsAtItsStartWithAnOffset() {
        long midnight = Instant.parse("2026-03-02T00:00:00Z").toEpochMilli();
        assertThat(PnlExplain.dayStart(T0, 0)).isEqualTo(midnight);
        assertThat(PnlExplain.dayStart(T0, 8 * 3_600_000L)).isEqualTo(midnight + 8 * 3_600_000L);
        assertThat(PnlExplain.dayStart(midnight + 3_600_000L, 8 * 3_600_000L)).isEqualTo(midnight - 16 * 3_600_000L);
        assertThatThrownBy(() -> PnlExplain.dayStart(T0, 86_400_000L)).hasMessageContaining("86400000");

        PnlExplain one = new PnlExplain(T0, 10, 6, 1, 2, -1, 2);
        PnlExplain day = PnlExplain.accumulate(null, one, T0 + 1_000, 0);
        assertThat(day.since()).isEqualTo(midnight);
        day = PnlExplain.accumulate(day, one, T0 + 2_000, 0);
        assertThat(day.total()).isEqualTo(20);
        assertThat(day.delta()).isEqualTo(12);
        assertThat(day.unexplained()).isEqualTo(4);
        PnlExplain next = PnlExplain.accumulate(day, one, midnight + 86_400_000L + 5, 0);
        assertThat(next.since()).isEqualTo(midnight + 86_400_000L);
        assertThat(next.total()).isEqualTo(10);
        assertThat(PnlExplain.accumulate(next, one, T0, 0)).as("an interval of a day already over").isSameAs(next);
    }
}
