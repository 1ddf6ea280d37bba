package io.ballast.sandbox.market;

import io.ballast.avro.InstrumentKind;
import io.ballast.avro.PriceUnit;
import io.ballast.avro.Quote;
import io.ballast.avro.Trade;
import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MarketSimulatorTest {

    private static final Instant START = Instant.parse("2026-11-21T10:00:00Z");

    /** Everything a simulator wrote. */
    private static final class Recorded implements MarketSimulator.Output {
        final List<Quote> quotes = new ArrayList<>();
        final List<Trade> trades = new ArrayList<>();

        @Override
        public void quote(Quote quote) {
            quotes.add(quote);
        }

        @Override
        public void trade(Trade trade) {
            trades.add(trade);
        }
    }

    private static Recorded run(long seed, int providers, double rate, int ticks) {
        return run(seed, providers, rate, ticks, true);
    }

    private static Recorded run(long seed, int providers, double rate, int ticks, boolean coinVenue) {
        Recorded out = new Recorded();
        MarketSimulator sim = new MarketSimulator(UnderlyingSpec.DEFAULTS, RiskLimitsPlan.providers(providers), rate,
                seed, 1.0, START, coinVenue, out);
        for (int i = 1; i <= ticks; i++) {
            sim.tick(START.toEpochMilli() + i * MarketSimulator.TICK_MILLIS);
        }
        return out;
    }

    @Test
    void theSameSeedGivesTheSameMarketAndFills() {
        Recorded a = run(7, 3, 20, 300);
        Recorded b = run(7, 3, 20, 300);
        assertThat(a.quotes).isEqualTo(b.quotes);
        assertThat(a.trades).isEqualTo(b.trades);
        assertThat(run(8, 3, 20, 300).quotes).isNotEqualTo(a.quotes);
    }

    @Test
    void providersAndRateDoNotChangeTheMarket() {
        assertThat(run(7, 5, 50, 200).quotes).isEqualTo(run(7, 2, 5, 200).quotes);
    }

    @Test
    void quotesFollowTheContract() {
        Recorded r = run(11, 3, 10, 100);
        // Every tick: perpetual, inverse perpetual and spot of two underlyings; every option, on both venues,
        // once per ten ticks.
        int options = 2 * Listing.EXPIRIES * Listing.STRIKES * 2;
        assertThat(r.quotes).hasSize(100 * 6 + 10 * options * 2);
        for (Quote q : r.quotes) {
            assertThat(q.getBid()).isGreaterThanOrEqualTo(0);
            assertThat(q.getAsk()).isPositive().isGreaterThanOrEqualTo(q.getBid());
            assertThat(q.getBidSize()).isPositive();
            boolean option = q.getInstrument().getKind() == InstrumentKind.OPTION;
            assertThat(q.getUnderlyingPrice() != null).isEqualTo(option);
            if (option) {
                assertThat(q.getEventTime()).isBefore(q.getInstrument().getExpiry());
                // SIMEX yyMMdd, the coin venue Deribit's dMMMyy: never the same symbol.
                assertThat(q.getInstrument().getSymbol()).matches(q.getVenue().equals(CoinVenue.VENUE)
                        ? "(BTC|ETH)-\\d{1,2}[A-Z]{3}\\d{2}-\\d+(\\.\\d+)?-[CP]"
                        : "(BTC|ETH)-\\d{6}-\\d+(\\.\\d+)?-[CP]");
            }
        }
    }

    @Test
    void everyQuoteAndFillPassesTheJobsOwnFieldRules() {
        Recorded r = run(17, 3, 20, 200);
        long now = START.toEpochMilli() + 200 * MarketSimulator.TICK_MILLIS;
        for (Quote q : r.quotes) {
            assertThat(io.ballast.kafka.Validators.quote(3_600_000).problem(q, null, now)).as(q.toString()).isNull();
        }
        for (Trade t : r.trades) {
            assertThat(io.ballast.kafka.Validators.trade(3_600_000).problem(t, null, now)).as(t.toString()).isNull();
        }
    }

    @Test
    void theCoinVenueQuotesTheSameBooksInItsOwnConventions() {
        Recorded r = run(19, 1, 0, 20);
        Map<String, Quote> simex = new java.util.HashMap<>();
        int coinOptions = 0;
        int inverse = 0;
        for (Quote q : r.quotes) {
            var i = q.getInstrument();
            if (q.getVenue().equals(ProviderFlow.VENUE)) {
                // Keyed by contract (and tick): the coin venue's quote of it follows at once.
                String key = i.getKind() == InstrumentKind.OPTION
                        ? i.getUnderlying() + i.getExpiry() + i.getStrike() + i.getRight() + q.getEventTime()
                        : i.getUnderlying() + i.getKind() + q.getEventTime();
                if (i.getKind() != InstrumentKind.SPOT) {
                    simex.put(key, q);
                }
                assertThat(i.getPriceUnit()).isEqualTo(PriceUnit.QUOTE_CURRENCY);
                assertThat(i.getInverse()).isFalse();
                continue;
            }
            assertThat(q.getVenue()).isEqualTo(CoinVenue.VENUE);
            if (i.getKind() == InstrumentKind.OPTION) {
                coinOptions++;
                Quote usd = simex.get(i.getUnderlying() + i.getExpiry() + i.getStrike() + i.getRight() + q.getEventTime());
                assertThat(usd).as("SIMEX's quote of " + i.getSymbol()).isNotNull();
                assertThat(i.getPriceUnit()).isEqualTo(PriceUnit.UNDERLYING);
                double f = usd.getUnderlyingPrice();
                assertThat(q.getUnderlyingPrice()).as("the forward of its expiry").isEqualTo(f);
                // On the 0.0001 grid, bid at or below SIMEX's in USD by less than a tick, ask at or above.
                assertThat(q.getBid() * 10_000).isCloseTo(Math.rint(q.getBid() * 10_000), within(1e-6));
                assertThat(q.getAsk() * 10_000).isCloseTo(Math.rint(q.getAsk() * 10_000), within(1e-6));
                assertThat(q.getBid() * f).isLessThanOrEqualTo(usd.getBid() + 1e-6).isGreaterThan(usd.getBid() - 0.0001 * f);
                assertThat(q.getAsk()).isGreaterThanOrEqualTo(0.0001);
                assertThat(q.getAsk() * f).isGreaterThanOrEqualTo(usd.getAsk() - 1e-6);
                if (usd.getAsk() > 0.0001 * f) {
                    assertThat(q.getAsk() * f).isLessThan(usd.getAsk() + 0.0001 * f);
                }
                assertThat(q.getBidSize()).isEqualTo(usd.getBidSize());
            } else {
                inverse++;
                assertThat(i.getSymbol()).isEqualTo(i.getUnderlying() + "-PERPETUAL");
                assertThat(i.getInverse()).isTrue();
                assertThat(i.getContractValue()).isEqualTo(i.getUnderlying().equals("BTC") ? 10.0 : 1.0);
                Quote perp = simex.get(i.getUnderlying() + InstrumentKind.PERPETUAL + q.getEventTime());
                assertThat(q.getBid()).isEqualTo(perp.getBid());
                assertThat(q.getAsk()).isEqualTo(perp.getAsk());
                assertThat(q.getUnderlyingPrice()).isNull();
                // Sizes in whole contracts, worth the SIMEX size in coin.
                assertThat(q.getBidSize()).isEqualTo(Math.rint(q.getBidSize()))
                        .isCloseTo(perp.getBidSize() * perp.getBid() / i.getContractValue(),
                                within(0.5));
            }
        }
        assertThat(coinOptions).isEqualTo(2 * 2 * Listing.EXPIRIES * Listing.STRIKES * 2);
        assertThat(inverse).isEqualTo(2 * 20);
    }

    @Test
    void aShareOfTheFillsTradesOnTheCoinVenueInItsConventions() {
        Recorded r = run(23, 3, 20, 1_000);
        long coin = r.trades.stream().filter(t -> t.getVenue().equals(CoinVenue.VENUE)).count();
        assertThat((double) coin / r.trades.size()).isBetween(0.25, 0.35);
        int options = 0;
        int inverse = 0;
        for (Trade t : r.trades) {
            if (!t.getVenue().equals(CoinVenue.VENUE)) {
                assertThat(t.getUnderlyingPrice()).isNull();
                continue;
            }
            var i = t.getInstrument();
            if (i.getKind() == InstrumentKind.OPTION) {
                options++;
                assertThat(i.getPriceUnit()).isEqualTo(PriceUnit.UNDERLYING);
                assertThat(t.getUnderlyingPrice()).isNotNull().isPositive();
                // Coin prices: a call is worth less than one coin, a put less than K/F coins.
                assertThat(t.getPrice()).isPositive()
                        .isLessThanOrEqualTo(Math.max(1, i.getStrike() / t.getUnderlyingPrice()) + 0.0001);
                double perContract = Math.min(0.0003, 0.125 * t.getPrice());
                assertThat(t.getFee()).isCloseTo(t.getQuantity() * perContract, within(1e-8));
            } else {
                inverse++;
                assertThat(i.getInverse()).isTrue();
                assertThat(t.getQuantity()).isPositive().isEqualTo(Math.rint(t.getQuantity()));
                assertThat(t.getUnderlyingPrice()).isNull();
                assertThat(t.getPrice()).isGreaterThan(1_000); // USD per coin
                assertThat(t.getFee()).isCloseTo(t.getQuantity() * i.getContractValue() * 0.5e-4,
                        within(0.005 + 1e-9));
            }
        }
        assertThat(options).isPositive();
        assertThat(inverse).isPositive();
    }

    @Test
    void withoutTheCoinVenueTheMarketIsSimexAloneAndTheFlowTheSameTrades() {
        Recorded with = run(29, 3, 20, 500, true);
        Recorded without = run(29, 3, 20, 500, false);
        assertThat(without.quotes).allSatisfy(q -> assertThat(q.getVenue()).isEqualTo(ProviderFlow.VENUE));
        assertThat(without.trades).allSatisfy(t -> assertThat(t.getVenue()).isEqualTo(ProviderFlow.VENUE));
        assertThat(with.quotes.stream().filter(q -> q.getVenue().equals(ProviderFlow.VENUE)).toList())
                .isEqualTo(without.quotes);
        // The coin venue takes some of the same fills, on its own random stream: who, what, which way, when.
        assertThat(with.trades).extracting(t -> t.getProviderId() + " " + t.getInstrument().getUnderlying() + " "
                        + t.getInstrument().getKind() + " " + t.getSide() + " " + t.getEventTime())
                .isEqualTo(without.trades.stream().map(t -> t.getProviderId() + " " + t.getInstrument().getUnderlying()
                        + " " + t.getInstrument().getKind() + " " + t.getSide() + " " + t.getEventTime()).toList());
        assertThat(with.trades).anyMatch(t -> t.getVenue().equals(CoinVenue.VENUE));
    }

    @Test
    void linearSpreadsAreAFewBasisPoints() {
        for (Quote q : run(3, 1, 0, 10).quotes) {
            if (q.getInstrument().getKind() != InstrumentKind.OPTION) {
                double mid = (q.getBid() + q.getAsk()) / 2;
                double bps = (q.getAsk() - q.getBid()) / mid * 10_000;
                assertThat(bps).isBetween(0.5, 5.0);
            }
        }
    }

    @Test
    void optionQuotesSitAroundASkewedSmile() {
        Recorded r = run(5, 1, 0, 10);
        // Implied vol of each mid, per expiry and strike, for BTC puts and calls out of the money.
        Map<Long, TreeMap<Double, Double>> smiles = new TreeMap<>();
        for (Quote q : r.quotes) {
            var i = q.getInstrument();
            if (i.getKind() != InstrumentKind.OPTION || !i.getUnderlying().equals("BTC") || !(q.getBid() > 0)
                    || !q.getVenue().equals(ProviderFlow.VENUE)) {
                continue;
            }
            double f = q.getUnderlyingPrice();
            boolean call = i.getRight() == io.ballast.avro.OptionRight.CALL;
            if (call != (i.getStrike() >= f)) {
                continue;
            }
            double tau = (i.getExpiry().toEpochMilli() - q.getEventTime().toEpochMilli()) / MarketSimulator.MILLIS_PER_YEAR;
            double vol = impliedVol((q.getBid() + q.getAsk()) / 2, f, i.getStrike(), tau, call);
            smiles.computeIfAbsent(i.getExpiry().toEpochMilli(), e -> new TreeMap<>()).put(i.getStrike(), vol);
        }
        assertThat(smiles).hasSize(Listing.EXPIRIES);
        for (TreeMap<Double, Double> smile : smiles.values()) {
            assertThat(smile.size()).isGreaterThanOrEqualTo(7);
            assertThat(smile.values()).allSatisfy(v -> assertThat(v).isBetween(0.3, 1.2));
            // Negative rho: the lowest put strike is dearer in vol than the highest call strike.
            assertThat(smile.firstEntry().getValue()).isGreaterThan(smile.lastEntry().getValue());
        }
    }

    @Test
    void fillsArriveAtTheRateWithUniqueIdsAndValidFields() {
        Recorded r = run(13, 4, 20, 1_000); // 100 s at 20 fills/s: about 2000, sd 45
        assertThat(r.trades.size()).isBetween(1_800, 2_200);
        Set<String> ids = new HashSet<>();
        Set<String> providers = new HashSet<>();
        for (Trade t : r.trades) {
            assertThat(ids.add(t.getVenue() + "/" + t.getTradeId())).isTrue();
            providers.add(t.getProviderId());
            assertThat(t.getQuantity()).isPositive();
            assertThat(t.getPrice()).isPositive();
            assertThat(t.getSignalId()).isNull();
            assertThat(t.getFee()).isNotNull();
        }
        assertThat(providers).containsExactlyInAnyOrder("mm1", "mm2", "mm3", "mm4");
        long options = r.trades.stream().filter(t -> t.getInstrument().getKind() == InstrumentKind.OPTION).count();
        assertThat((double) options / r.trades.size()).isBetween(0.6, 0.8);
    }

    @Test
    void expiriesAreFridaysAtEightUtcWithElevenStrikesEach() {
        Listing l = Listing.of(UnderlyingSpec.BTC, START);
        assertThat(l.expiries()).hasSize(Listing.EXPIRIES).isSorted();
        for (long e : l.expiries()) {
            ZonedDateTime t = Instant.ofEpochMilli(e).atZone(ZoneOffset.UTC);
            assertThat(t.getDayOfWeek()).isEqualTo(DayOfWeek.FRIDAY);
            assertThat(t.getHour()).isEqualTo(8);
            assertThat(l.options(e)).hasSize(2 * Listing.STRIKES);
        }
        assertThat(Listing.roundStep(2_900)).isEqualTo(2_500);
        assertThat(Listing.roundStep(130)).isEqualTo(100);
        assertThat(Listing.roundStep(4_000)).isEqualTo(5_000);
    }

    /** Bisection on Black-76: slow and sure, for a test. */
    private static double impliedVol(double price, double f, double k, double tau, boolean call) {
        double lo = 1e-4;
        double hi = 5;
        for (int i = 0; i < 200; i++) {
            double mid = 0.5 * (lo + hi);
            if (Black76.price(f, k, tau, mid, call) > price) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return 0.5 * (lo + hi);
    }
}
