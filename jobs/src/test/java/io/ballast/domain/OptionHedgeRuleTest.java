package io.ballast.domain;

import io.ballast.avro.RiskLimits;
import io.ballast.avro.Side;
import io.ballast.domain.OptionHedgeRule.Book;
import io.ballast.domain.OptionHedgeRule.Decision;
import io.ballast.domain.OptionHedgeRule.Exclusion;
import io.ballast.domain.OptionHedgeRule.Leg;
import io.ballast.domain.OptionHedgeRule.Outcome;
import io.ballast.domain.OptionHedgeRule.Priced;
import io.ballast.quant.Greeks;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The option-hedge rule of issue 14 on its own: no book, no Flink; greeks checked with {@link IndependentBlack76}. */
class OptionHedgeRuleTest {

    private static final long T0 = 1_800_000_000_000L;
    private static final double S = 100_000;
    private static final long DAY = 86_400_000L;
    private static final double VOL = 0.5;

    /** Gamma limit 100,000 (dollar gamma per 1%), no vega limit, lot 0.1, timeout 30 s. */
    private final OptionHedgeLimits limits = new OptionHedgeLimits(true, 100_000.0, null, 0.5, 7, 120, 2.0, 0.1, 30_000);

    /** An option on F = S at vol {@code iv}, quoted around its Black-76 value with a spread of {@code spreadVolPts}. */
    private static HedgeCandidate option(boolean call, double strike, int days, double iv, double spreadVolPts) {
        double tau = days * (double) DAY / 31_536_000_000.0;
        double value = IndependentBlack76.price(call, S, strike, tau, iv, 1);
        double spread = spreadVolPts * IndependentBlack76.vega(S, strike, tau, iv, 1);
        String symbol = "BTC-" + days + "D-" + (long) strike + (call ? "-C" : "-P");
        return new HedgeCandidate(symbol, "BTC", call, strike, T0 + days * DAY, 1.0, value - spread / 2,
                value + spread / 2, iv, S);
    }

    private static Book book(double gamma, double vega) {
        return new Book("BTC", S, 0.0, T0, gamma, vega);
    }

    /** Gamma of the book whose dollar gamma is {@code dollarGamma}. */
    private static double gammaOf(double dollarGamma) {
        return dollarGamma * 100 / (S * S);
    }

    private static double tau(HedgeCandidate c) {
        return (c.expiry() - T0) / 31_536_000_000.0;
    }

    private static double gamma(HedgeCandidate c) {
        return IndependentBlack76.gamma(S, c.strike(), tau(c), c.iv(), 1) * c.multiplier();
    }

    private static double vega(HedgeCandidate c) {
        return IndependentBlack76.vega(S, c.strike(), tau(c), c.iv(), 1) * c.multiplier();
    }

    // --------------------------------------------------------------------------- candidates

    @Test
    void eachFilterExcludesTheOptionThatBreaksIt() {
        HedgeCandidate good = option(true, 100_000, 30, VOL, 0.5);
        HedgeCandidate goodPut = option(false, 95_000, 30, VOL, 0.5);
        HedgeCandidate first = option(true, 100_000, 7, VOL, 0.5); // the window is closed
        HedgeCandidate last = option(true, 100_000, 120, VOL, 0.5);
        HedgeCandidate otherUnderlying = new HedgeCandidate("ETH-30D-3000-C", "ETH", true, 3000, T0 + 30 * DAY, 1.0,
                good.bid(), good.ask(), VOL, S);
        HedgeCandidate noBid = new HedgeCandidate("BTC-NOBID", "BTC", true, 100_000, T0 + 30 * DAY, 1.0, 0.0,
                good.ask(), VOL, S);
        HedgeCandidate crossed = new HedgeCandidate("BTC-CROSSED", "BTC", true, 100_000, T0 + 30 * DAY, 1.0,
                good.ask(), good.bid(), VOL, S);
        HedgeCandidate noIv = new HedgeCandidate("BTC-NOIV", "BTC", true, 100_000, T0 + 30 * DAY, 1.0, good.bid(),
                good.ask(), Double.NaN, S);
        HedgeCandidate tooShort = option(true, 100_000, 6, VOL, 0.5);
        HedgeCandidate tooLong = option(true, 100_000, 121, VOL, 0.5);
        HedgeCandidate farOtm = option(true, 130_000, 30, VOL, 0.5);   // N(d1) ≈ 0.06
        HedgeCandidate deepItm = option(true, 75_000, 30, VOL, 0.5);   // N(d1) ≈ 0.98
        HedgeCandidate farOtmPut = option(false, 80_000, 30, VOL, 0.5); // N(d1) − 1 ≈ −0.07
        HedgeCandidate wide = option(true, 100_000, 30, VOL, 2.5);

        // The premises, independently: the delta window and the spread in vol points.
        assertThat(IndependentBlack76.forwardDelta(true, S, 130_000, tau(farOtm), VOL)).isLessThan(0.25);
        assertThat(IndependentBlack76.forwardDelta(true, S, 75_000, tau(deepItm), VOL)).isGreaterThan(0.75);
        assertThat(IndependentBlack76.forwardDelta(false, S, 80_000, tau(farOtmPut), VOL)).isGreaterThan(-0.25);
        assertThat(Math.abs(IndependentBlack76.forwardDelta(false, S, 95_000, tau(goodPut), VOL))).isBetween(0.25, 0.75);
        assertThat((wide.ask() - wide.bid()) / vega(wide)).isCloseTo(2.5, within(1e-9));

        Book book = book(gammaOf(-300_000), 0);
        Greeks g = new Greeks();
        assertThat(OptionHedgeRule.screen(good, book, limits, g)).isNull();
        assertThat(OptionHedgeRule.screen(goodPut, book, limits, g)).isNull();
        assertThat(OptionHedgeRule.screen(first, book, limits, g)).isNull();
        assertThat(OptionHedgeRule.screen(last, book, limits, g)).isNull();
        assertThat(OptionHedgeRule.screen(otherUnderlying, book, limits, g)).isEqualTo(Exclusion.OTHER_UNDERLYING);
        assertThat(OptionHedgeRule.screen(noBid, book, limits, g)).isEqualTo(Exclusion.NO_TWO_SIDED_QUOTE);
        assertThat(OptionHedgeRule.screen(crossed, book, limits, g)).isEqualTo(Exclusion.NO_TWO_SIDED_QUOTE);
        assertThat(OptionHedgeRule.screen(noIv, book, limits, g)).isEqualTo(Exclusion.NO_IV);
        assertThat(OptionHedgeRule.screen(tooShort, book, limits, g)).isEqualTo(Exclusion.EXPIRY_OUTSIDE_WINDOW);
        assertThat(OptionHedgeRule.screen(tooLong, book, limits, g)).isEqualTo(Exclusion.EXPIRY_OUTSIDE_WINDOW);
        assertThat(OptionHedgeRule.screen(farOtm, book, limits, g)).isEqualTo(Exclusion.DELTA_OUTSIDE_WINDOW);
        assertThat(OptionHedgeRule.screen(deepItm, book, limits, g)).isEqualTo(Exclusion.DELTA_OUTSIDE_WINDOW);
        assertThat(OptionHedgeRule.screen(farOtmPut, book, limits, g)).isEqualTo(Exclusion.DELTA_OUTSIDE_WINDOW);
        assertThat(OptionHedgeRule.screen(wide, book, limits, g)).isEqualTo(Exclusion.SPREAD_TOO_WIDE);
        assertThat(OptionHedgeRule.screen(wide, book, limits.withMaxSpreadVolPts(3.0), g)).isNull();

        List<Priced> candidates = OptionHedgeRule.candidates(List.of(wide, farOtmPut, deepItm, farOtm, tooLong, tooShort,
                noIv, crossed, noBid, otherUnderlying, last, first, goodPut, good), book, limits);
        assertThat(candidates).extracting(p -> p.option().symbol())
                .containsExactly(last.symbol(), good.symbol(), goodPut.symbol(), first.symbol()); // by symbol
        // The rule's greeks per contract and spread in vol points agree with the independent ones.
        Priced p = candidates.stream().filter(x -> x.option().equals(good)).findFirst().orElseThrow();
        assertThat(p.gammaPerContract()).isCloseTo(gamma(good), within(1e-9 * gamma(good)));
        assertThat(p.vegaPerContract()).isCloseTo(vega(good), within(1e-9 * vega(good)));
        assertThat(p.spreadVolPts()).isCloseTo(0.5, within(1e-9));
        assertThat(p.forwardDelta()).isCloseTo(IndependentBlack76.forwardDelta(true, S, 100_000, tau(good), VOL), within(1e-6));
    }

    // ------------------------------------------------------------------------------ choice

    @Test
    void theGammaHedgeTakesTheMostGammaPerHalfSpreadNotTheMostGamma() {
        List<HedgeCandidate> chain = List.of(
                option(true, 100_000, 8, VOL, 1.9),   // the most gamma, a wide quote
                option(true, 100_000, 30, VOL, 0.4),
                option(false, 100_000, 45, VOL, 0.3),
                option(true, 105_000, 14, VOL, 0.8),
                option(true, 100_000, 90, VOL, 0.2));
        HedgeCandidate mostGamma = chain.stream().max(Comparator.comparingDouble(OptionHedgeRuleTest::gamma)).orElseThrow();
        HedgeCandidate cheapest = chain.stream()
                .max(Comparator.comparingDouble(c -> gamma(c) / ((c.ask() - c.bid()) / 2))).orElseThrow();
        assertThat(cheapest).isNotEqualTo(mostGamma);

        Decision d = OptionHedgeRule.decide(book(gammaOf(-300_000), 0), chain, limits, List.of());
        assertThat(d.outcome()).isEqualTo(Outcome.HEDGE);
        assertThat(d.legs()).singleElement().satisfies(l -> {
            assertThat(l.kind()).isEqualTo(HedgeKind.GAMMA);
            assertThat(l.instrument()).isEqualTo(cheapest.symbol());
            assertThat(l.side()).isEqualTo(Side.BUY);
        });
    }

    /** An at-the-money call quoted with a spread of {@code spread} in price (USD per contract). */
    private static HedgeCandidate atmWithPriceSpread(int days, double spread) {
        HedgeCandidate c = option(true, 100_000, days, VOL, 0);
        return new HedgeCandidate(c.symbol(), "BTC", true, 100_000, c.expiry(), 1.0, c.bid() - spread / 2,
                c.ask() + spread / 2, VOL, S);
    }

    @Test
    void theVegaHedgeTakesTheMostVegaPerHalfSpreadAndLongerDatedOptionsWinNaturally() {
        // The same spread in price: the longest-dated has the most vega per unit of it.
        List<HedgeCandidate> sameSpread = List.of(atmWithPriceSpread(10, 50), atmWithPriceSpread(30, 50),
                atmWithPriceSpread(60, 50), atmWithPriceSpread(110, 50));
        OptionHedgeLimits vegaOnly = limits.withLimits(null, 5_000.0);
        double vega = 12_000; // long vega: sell options
        Decision d = OptionHedgeRule.decide(book(0, vega), sameSpread, vegaOnly, List.of());
        assertThat(d.outcome()).isEqualTo(Outcome.HEDGE);
        Leg leg = d.legs().get(0);
        assertThat(leg.kind()).isEqualTo(HedgeKind.VEGA);
        assertThat(leg.instrument()).isEqualTo("BTC-110D-100000-C");
        assertThat(leg.side()).isEqualTo(Side.SELL);
        double q = (0.5 * 5_000 - vega) / vega(sameSpread.get(3));
        assertThat(leg.unrounded()).isCloseTo(q, within(1e-9 * Math.abs(q)));
        assertThat(leg.quantity()).isEqualTo(OptionHedgeRule.roundToLots(q, 0.1));
        assertThat(d.vegaAfter()).isBetween(2_500.0, 2_500.0 + 0.1 * vega(sameSpread.get(3)));

        // Spreads that differ in vol points: the least cost per vega, whatever the expiry.
        List<HedgeCandidate> chain = List.of(option(true, 100_000, 10, VOL, 0.5), option(true, 100_000, 30, VOL, 0.5),
                option(true, 100_000, 60, VOL, 0.35), option(true, 100_000, 110, VOL, 0.6));
        HedgeCandidate cheapest = chain.stream()
                .max(Comparator.comparingDouble(c -> vega(c) / ((c.ask() - c.bid()) / 2))).orElseThrow();
        assertThat(cheapest.symbol()).isEqualTo("BTC-60D-100000-C");
        assertThat(OptionHedgeRule.decide(book(0, vega), chain, vegaOnly, List.of()).legs().get(0).instrument())
                .isEqualTo(cheapest.symbol());
    }

    // ---------------------------------------------------------------------------- 2x2

    @Test
    void bothOverSolvesTheTwoByTwoSystemLikeCramersRuleInBigDecimal() {
        List<HedgeCandidate> chain = List.of(
                option(true, 100_000, 14, VOL, 0.6),
                option(false, 98_000, 14, VOL, 0.9),
                option(true, 100_000, 30, VOL, 0.5),
                option(true, 100_000, 90, 0.55, 0.4),
                option(false, 100_000, 110, 0.55, 0.5));
        OptionHedgeLimits both = limits.withLimits(100_000.0, 8_000.0).withMinHedgeQuantity(0); // no lots: exact
        double gamma = gammaOf(-400_000);
        double vega = -30_000;
        Decision d = OptionHedgeRule.decide(book(gamma, vega), chain, both, List.of());
        assertThat(d.outcome()).isEqualTo(Outcome.HEDGE);
        assertThat(d.fallback()).isFalse();
        assertThat(d.legs()).hasSize(2);
        Leg g = d.legs().get(0);
        Leg v = d.legs().get(1);
        assertThat(g.kind()).isEqualTo(HedgeKind.GAMMA);
        assertThat(v.kind()).isEqualTo(HedgeKind.VEGA);
        assertThat(g.option().option().expiry()).isLessThan(v.option().option().expiry());

        // The independent solve: Cramer's rule in BigDecimal on greeks from the independent Black-76.
        HedgeCandidate c1 = g.option().option();
        HedgeCandidate c2 = v.option().option();
        MathContext mc = MathContext.DECIMAL128;
        BigDecimal a11 = new BigDecimal(gamma(c1));
        BigDecimal a12 = new BigDecimal(gamma(c2));
        BigDecimal a21 = new BigDecimal(vega(c1));
        BigDecimal a22 = new BigDecimal(vega(c2));
        BigDecimal b1 = new BigDecimal(gammaOf(-0.5 * 100_000)).subtract(new BigDecimal(gamma), mc);
        BigDecimal b2 = new BigDecimal(-0.5 * 8_000).subtract(new BigDecimal(vega), mc);
        BigDecimal det = a11.multiply(a22, mc).subtract(a12.multiply(a21, mc), mc);
        double q1 = b1.multiply(a22, mc).subtract(a12.multiply(b2, mc), mc).divide(det, mc).doubleValue();
        double q2 = a11.multiply(b2, mc).subtract(a21.multiply(b1, mc), mc).divide(det, mc).doubleValue();
        assertThat(g.quantity()).isCloseTo(q1, within(1e-7 * Math.abs(q1)));
        assertThat(v.quantity()).isCloseTo(q2, within(1e-7 * Math.abs(q2)));
        // Both land on their targets.
        assertThat(d.dollarGammaAfter()).isCloseTo(-50_000, within(1e-6));
        assertThat(d.vegaAfter()).isCloseTo(-4_000, within(1e-6));

        // The legs are the best of their groups: gamma among expiries before the last, vega after the gamma leg.
        HedgeCandidate bestGamma = chain.stream().filter(c -> c.expiry() < T0 + 110 * DAY)
                .max(Comparator.comparingDouble(c -> gamma(c) / ((c.ask() - c.bid()) / 2))).orElseThrow();
        HedgeCandidate bestVega = chain.stream().filter(c -> c.expiry() > bestGamma.expiry())
                .max(Comparator.comparingDouble(c -> vega(c) / ((c.ask() - c.bid()) / 2))).orElseThrow();
        assertThat(c1).isEqualTo(bestGamma);
        assertThat(c2).isEqualTo(bestVega);

        // With lots: each leg rounded toward zero.
        Decision lots = OptionHedgeRule.decide(book(gamma, vega), chain, both.withMinHedgeQuantity(0.1), List.of());
        assertThat(lots.legs()).extracting(Leg::quantity)
                .containsExactly(OptionHedgeRule.roundToLots(q1, 0.1), OptionHedgeRule.roundToLots(q2, 0.1));
    }

    @Test
    void anIllConditionedSystemFallsBackToTheGammaHedgeAloneAndSaysSo() {
        // Two expiries close in σ·τ: |det|/(|Γ1V2| + |Γ2V1|) = (32 − 30)/(32 + 30) ≈ 0.03.
        HedgeCandidate near = option(true, 100_000, 30, VOL, 0.4);
        HedgeCandidate next = option(true, 100_000, 32, VOL, 0.4);
        double relative = Math.abs(gamma(near) * vega(next) - gamma(next) * vega(near))
                / (gamma(near) * vega(next) + gamma(next) * vega(near));
        assertThat(relative).isCloseTo(2.0 / 62, within(1e-3)).isLessThan(OptionHedgeRule.MIN_RELATIVE_DETERMINANT);

        OptionHedgeLimits both = limits.withLimits(100_000.0, 8_000.0);
        Decision d = OptionHedgeRule.decide(book(gammaOf(-400_000), -30_000), List.of(near, next), both, List.of());
        assertThat(d.outcome()).isEqualTo(Outcome.HEDGE);
        assertThat(d.fallback()).isTrue();
        assertThat(d.reason()).contains("ill-conditioned").contains("gamma hedge alone");
        assertThat(d.legs()).singleElement().satisfies(l -> assertThat(l.kind()).isEqualTo(HedgeKind.GAMMA));
        // Never past the target: |dollar gamma| at 50,000 or above, by less than one lot.
        assertThat(d.dollarGammaAfter()).isBetween(-50_000.0 - 0.1 * gamma(near) * S * S / 100, -50_000.0 + 1e-6);

        // Far apart in σ·τ, the same book gets two legs.
        HedgeCandidate late = option(true, 100_000, 90, VOL, 0.4);
        Decision pair = OptionHedgeRule.decide(book(gammaOf(-400_000), -30_000), List.of(near, late), both, List.of());
        assertThat(pair.fallback()).isFalse();
        assertThat(pair.legs()).hasSize(2);

        // A single expiry has no vega leg: gamma alone, and the reason says so.
        Decision one = OptionHedgeRule.decide(book(gammaOf(-400_000), -30_000), List.of(near), both, List.of());
        assertThat(one.fallback()).isTrue();
        assertThat(one.reason()).contains("gamma hedge alone");
    }

    // ------------------------------------------------------------------------------- lots

    @Test
    void lotsRoundTowardTheTargetAndNothingIsSignalledBelowOneLot() {
        assertThat(OptionHedgeRule.roundToLots(2.37, 0.1)).isCloseTo(2.3, within(1e-12));
        assertThat(OptionHedgeRule.roundToLots(-2.37, 0.1)).isCloseTo(-2.3, within(1e-12));
        assertThat(OptionHedgeRule.roundToLots(0.1 + 0.2, 0.1)).isCloseTo(0.3, within(1e-12)); // 0.30000000000000004
        assertThat(OptionHedgeRule.roundToLots(0.7 - 0.4, 0.1)).isCloseTo(0.3, within(1e-12)); // 0.29999999999999993
        assertThat(OptionHedgeRule.roundToLots(0.099, 0.1)).isZero();
        assertThat(OptionHedgeRule.roundToLots(-0.099, 0.1)).isZero();
        assertThat(OptionHedgeRule.roundToLots(3.0, 1.0)).isEqualTo(3.0);
        assertThat(OptionHedgeRule.roundToLots(1.234, 0)).isEqualTo(1.234);

        HedgeCandidate c = option(true, 100_000, 30, VOL, 0.4);
        double perContract = gamma(c) * S * S / 100; // dollar gamma of one contract (≈ 2,780)
        // Short gamma over the limit: |dollar gamma| comes back to 50,000, never below it, within one lot above.
        for (double dg : new double[] {-100_001, -150_000, -333_333, -1_000_000}) {
            Decision d = OptionHedgeRule.decide(book(gammaOf(dg), 0), List.of(c), limits, List.of());
            Leg l = d.legs().get(0);
            double q = (-50_000 - dg) / perContract;
            assertThat(l.quantity()).isCloseTo(Math.floor(q * 10) / 10, within(1e-9));
            assertThat(d.dollarGammaAfter()).isBetween(-50_000.0 - 0.1 * perContract, -50_000.0 + 1e-6);
        }
        // Long gamma: SELL, |dollar gamma| comes down to 50,000, not below.
        Decision longGamma = OptionHedgeRule.decide(book(gammaOf(180_000), 0), List.of(c), limits, List.of());
        assertThat(longGamma.legs().get(0).side()).isEqualTo(Side.SELL);
        assertThat(longGamma.dollarGammaAfter()).isBetween(50_000.0 - 1e-6, 50_000.0 + 0.1 * perContract);

        // Lots of 100 contracts: the hedge (≈ 18 contracts) is below one lot, nothing is signalled.
        Decision small = OptionHedgeRule.decide(book(gammaOf(-100_001), 0), List.of(c), limits.withMinHedgeQuantity(100),
                List.of());
        assertThat(small.outcome()).isEqualTo(Outcome.BELOW_ONE_LOT);
        assertThat(small.legs()).isEmpty();
    }

    // ------------------------------------------------------------------------- nothing to do

    @Test
    void offWithinLimitsWithoutReferencePriceOrCandidatesNothingIsDecided() {
        List<HedgeCandidate> chain = List.of(option(true, 100_000, 30, VOL, 0.4));
        assertThat(OptionHedgeRule.decide(book(gammaOf(-300_000), 0), chain, limits.withOptionHedge(false), List.of())
                .outcome()).isEqualTo(Outcome.OFF);
        assertThat(OptionHedgeRule.decide(book(gammaOf(-99_999), 0), chain, limits, List.of()).outcome())
                .isEqualTo(Outcome.WITHIN_LIMITS);
        assertThat(OptionHedgeRule.decide(new Book("BTC", Double.NaN, 0, T0, gammaOf(-300_000), 0), chain, limits,
                List.of()).outcome()).isEqualTo(Outcome.NO_REFERENCE_PRICE);
        Decision none = OptionHedgeRule.decide(book(gammaOf(-300_000), 0), List.of(option(true, 100_000, 200, VOL, 0.4)),
                limits, List.of());
        assertThat(none.outcome()).isEqualTo(Outcome.NO_CANDIDATE);
        assertThat(none.reason()).contains("no option passes the filters");
        // The defaults of a limits record of today: option hedge off.
        RiskLimits today = PipelineSettings.defaults().defaultLimits();
        assertThat(OptionHedgeLimits.of(today).optionHedge()).isFalse();
        assertThat(OptionHedgeLimits.of(today).hedgeToFraction()).isEqualTo(0.5);
    }

    // ---------------------------------------------------------------------- pending and delta

    /** A position of the test's book, marked with the independent Black-76 (perp: delta 1). */
    private record Held(HedgeCandidate option, double quantity) {
        double delta(long asOf) {
            if (option == null) {
                return quantity;
            }
            double tau = (option.expiry() - asOf) / 31_536_000_000.0;
            return quantity * IndependentBlack76.forwardDelta(option.call(), S, option.strike(), tau, option.iv());
        }

        double gamma(long asOf) {
            return option == null ? 0 : quantity * IndependentBlack76.gamma(S, option.strike(),
                    (option.expiry() - asOf) / 31_536_000_000.0, option.iv(), 1);
        }
    }

    private static Book bookOf(List<Held> held, long asOf) {
        double g = 0;
        for (Held h : held) {
            g += h.gamma(asOf);
        }
        return new Book("BTC", S, 0.0, asOf, g, 0);
    }

    private static double deltaOf(List<Held> held, long asOf) {
        double d = 0;
        for (Held h : held) {
            d += h.delta(asOf);
        }
        return d;
    }

    @Test
    void anOptionHedgeIsPendingUntilFilledItsDeltaEntersTheDeltaDecisionAndNoSecondFollows() {
        HedgeCandidate sold = option(true, 100_000, 10, VOL, 3.0); // too wide to hedge with
        HedgeCandidate hedge = option(false, 97_000, 45, VOL, 0.3);
        List<HedgeCandidate> chain = List.of(sold, hedge, option(true, 110_000, 60, VOL, 0.6));
        RiskLimits deltaLimits = PipelineSettings.defaults().defaultLimits(); // band 1.0, FIXED, target 0
        // Short 120 ten-day calls, delta hedged with the perpetual: short gamma, flat delta.
        List<Held> held = new ArrayList<>();
        held.add(new Held(sold, -120));
        held.add(new Held(null, -deltaOf(held, T0)));
        assertThat(deltaOf(held, T0)).isCloseTo(0, within(1e-9));

        Decision d = OptionHedgeRule.decide(bookOf(held, T0), chain, limits, List.of());
        assertThat(d.outcome()).isEqualTo(Outcome.HEDGE);
        Leg leg = d.legs().get(0);
        assertThat(leg.instrument()).isEqualTo(hedge.symbol()); // a put: its delta is negative
        assertThat(leg.side()).isEqualTo(Side.BUY);
        String id = "mm1/BTC/GAMMA_HEDGE/1";
        PendingOptionHedge pending = leg.pending(id, T0 + limits.hedgeTimeoutMs());
        assertThat(pending.kind()).isEqualTo(HedgeKind.GAMMA);
        assertThat(pending.remaining()).isEqualTo(leg.quantity());
        assertThat(pending.gamma()).isCloseTo(leg.gamma(), within(1e-15));

        // The delta decision counts the option's delta: the DELTA_HEDGE buys it back, not zero.
        double optionDelta = leg.quantity() * IndependentBlack76.forwardDelta(false, S, 97_000, tau(hedge), VOL);
        double cdfError = 1e-7 * Math.abs(leg.quantity()); // the independent N(·) is good to 7.5e-8
        assertThat(pending.delta()).isCloseTo(optionDelta, within(cdfError));
        assertThat(optionDelta).isLessThan(-1.0); // outside the band of 1.0 on its own
        double effective = OptionHedgeRule.effectiveDelta(deltaOf(held, T0), 0, List.of(pending), T0);
        double perp = SignalRules.hedgeContracts(effective, deltaLimits, deltaLimits.getDeltaBand(), 1.0);
        assertThat(perp).isCloseTo(-optionDelta, within(cdfError)).isPositive();
        assertThat(SignalRules.hedgeContracts(deltaOf(held, T0), deltaLimits, 1.0, 1.0)).isZero(); // without it: none
        PendingOptionHedge perpPending = new PendingOptionHedge("mm1/BTC/DELTA_HEDGE/2", HedgeKind.DELTA, "BTC-PERP",
                perp, 1.0, 0, 0, T0 + 30_000);
        List<PendingOptionHedge> both = List.of(pending, perpPending);
        assertThat(SignalRules.hedgeContracts(OptionHedgeRule.effectiveDelta(deltaOf(held, T0), 0, both, T0),
                deltaLimits, 1.0, 1.0)).isZero(); // no unhedge

        // While it is pending: its gamma counts, no second option hedge.
        long t1 = T0 + 1_000;
        Decision again = OptionHedgeRule.decide(bookOf(held, t1), chain, limits, both);
        assertThat(again.legs()).isEmpty();
        assertThat(again.outcome()).isEqualTo(Outcome.WITHIN_LIMITS);
        // Even when the book sells more gamma meanwhile: over the limit again, but one is pending.
        List<Held> more = new ArrayList<>(held);
        more.add(new Held(sold, -60));
        Decision blocked = OptionHedgeRule.decide(bookOf(more, t1), chain, limits, both);
        assertThat(blocked.outcome()).isEqualTo(Outcome.PENDING);
        assertThat(blocked.legs()).isEmpty();

        // Half filled: the book holds half, the other half is pending; nothing changes for the decisions.
        double half = OptionHedgeRule.roundToLots(leg.quantity() / 2, 0.1);
        pending = pending.afterFill(half);
        assertThat(pending).isNotNull();
        assertThat(pending.remaining()).isCloseTo(leg.quantity() - half, within(1e-9));
        held.add(new Held(hedge, half));
        perpPending = perpPending.afterFill(perp); // the perpetual hedge filled in full
        assertThat(perpPending).isNull();
        held.add(new Held(null, perp));
        long t2 = T0 + 2_000;
        assertThat(OptionHedgeRule.decide(bookOf(held, t2), chain, limits, List.of(pending)).legs()).isEmpty();
        assertThat(OptionHedgeRule.effectiveDelta(deltaOf(held, t2), 0, List.of(pending), t2))
                .isCloseTo(0, within(0.05));

        // Filled: nothing pending, the book within its limit at the target, no further option hedge, no delta hedge.
        PendingOptionHedge rest = pending.afterFill(leg.quantity() - half);
        assertThat(rest).isNull();
        held.add(new Held(hedge, leg.quantity() - half));
        long t3 = T0 + 3_000;
        Decision after = OptionHedgeRule.decide(bookOf(held, t3), chain, limits, List.of());
        assertThat(after.outcome()).isEqualTo(Outcome.WITHIN_LIMITS);
        double lot = 0.1 * gamma(hedge) * S * S / 100;
        assertThat(bookOf(held, t3).dollarGamma(bookOf(held, t3).gamma())).isBetween(-50_000 - lot - 5, -50_000.0 + 5);
        assertThat(SignalRules.hedgeContracts(deltaOf(held, t3), deltaLimits, 1.0, 1.0)).isZero();
    }

    @Test
    void anUnfilledOptionHedgeStopsCountingAfterItsTimeout() {
        HedgeCandidate c = option(true, 100_000, 30, VOL, 0.4);
        Book b = book(gammaOf(-300_000), 0);
        Decision d = OptionHedgeRule.decide(b, List.of(c), limits, List.of());
        PendingOptionHedge p = d.legs().get(0).pending("mm1/BTC/GAMMA_HEDGE/1", T0 + limits.hedgeTimeoutMs());
        Book before = new Book("BTC", S, 0, T0 + limits.hedgeTimeoutMs() - 1, b.gamma(), 0);
        Book at = new Book("BTC", S, 0, T0 + limits.hedgeTimeoutMs(), b.gamma(), 0);
        assertThat(OptionHedgeRule.pending(List.of(p), before.asOf()).gamma()).isEqualTo(p.gamma());
        assertThat(OptionHedgeRule.decide(before, List.of(c), limits, List.of(p)).legs()).isEmpty();
        assertThat(OptionHedgeRule.pending(List.of(p), at.asOf())).isEqualTo(new OptionHedgeRule.Exposure(0, 0, 0));
        assertThat(OptionHedgeRule.decide(at, List.of(c), limits, List.of(p)).outcome()).isEqualTo(Outcome.HEDGE);
        // An overfill clears it too.
        assertThat(p.afterFill(p.remaining() * 1.5)).isNull();
        assertThat(p.afterFill(p.remaining() * (1 - 1e-12))).isNull();
    }
}
