package io.ballast.domain;

import io.ballast.domain.OptionHedgeRule.Book;
import io.ballast.domain.OptionHedgeRule.Decision;
import io.ballast.domain.OptionHedgeRule.Leg;
import io.ballast.domain.OptionHedgeRule.Outcome;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The option-hedge rule on a real Deribit BTC chain ({@code shared/data/deribit/deribit_options_snapshot_
 * 20260415T053126Z.csv}, provenance in that folder's README): a book short gamma beyond its limit gets a
 * real, two-sided, quoted option within the filters, and the book with the hedge, recomputed here with
 * {@link IndependentBlack76}, lands at hedgeToFraction·limit within one lot.
 *
 * <p>The folder is found by walking up from the working directory; without it the test is skipped, or
 * fails when {@code CI=true}. Prices in coin are turned into USD per contract (multiplier 1 BTC) with the
 * option's forward (the {@code underlying} column: Deribit prices on it, README); IV is Deribit's mark IV;
 * S is the index; r = 0, as Deribit.
 */
class OptionHedgeDeribitChainTest {

    private static final String FILE = "deribit_options_snapshot_20260415T053126Z.csv";
    private static final double LOT = 0.1; // Deribit's minimum BTC option order

    /** One row of the chain, as read. */
    record Row(String symbol, boolean call, double strike, long expiry, double forward, double bidCoin,
               double askCoin, double markIv, double index, long asOf) {

        double tau() {
            return (expiry - asOf) / 31_536_000_000.0;
        }

        double days() {
            return (expiry - asOf) / 86_400_000.0;
        }

        double gamma() {
            return IndependentBlack76.gamma(forward, strike, tau(), markIv, 1);
        }

        double vega() {
            return IndependentBlack76.vega(forward, strike, tau(), markIv, 1);
        }

        HedgeCandidate candidate() {
            return new HedgeCandidate(symbol, "BTC", call, strike, expiry, 1.0, bidCoin * forward, askCoin * forward,
                    markIv, forward);
        }
    }

    private static List<Row> chain;
    private static long asOf;
    private static double s;

    @BeforeAll
    static void read() throws IOException {
        Path file = dataDir().resolve(FILE);
        if (!Files.isRegularFile(file)) {
            fail("missing " + file);
        }
        List<String> lines = Files.readAllLines(file);
        Map<String, Integer> col = new HashMap<>();
        String[] header = lines.get(0).split(",", -1);
        for (int i = 0; i < header.length; i++) {
            col.put(header[i], i);
        }
        chain = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            if (!f[col.get("currency")].equals("BTC")) {
                continue;
            }
            long at = OffsetDateTime.parse(f[col.get("timestamp")]).toInstant().toEpochMilli();
            chain.add(new Row(f[col.get("instrument_name")], f[col.get("option_type")].equals("call"),
                    Double.parseDouble(f[col.get("strike")]),
                    OffsetDateTime.parse(f[col.get("expiry_datetime")]).toInstant().toEpochMilli(),
                    Double.parseDouble(f[col.get("underlying")]), number(f[col.get("bid_price")]),
                    number(f[col.get("ask_price")]), number(f[col.get("implied_volatility")]),
                    Double.parseDouble(f[col.get("index_price")]), at));
        }
        assertThat(chain).hasSizeGreaterThan(500);
        asOf = chain.get(0).asOf();
        s = chain.get(0).index();
        assertThat(chain).allSatisfy(r -> assertThat(r.asOf()).isEqualTo(asOf));
    }

    private static double number(String x) {
        return x.isEmpty() ? Double.NaN : Double.parseDouble(x);
    }

    /** {@code shared/data/deribit} above the working directory; skipped without it, failed on CI. */
    static Path dataDir() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("shared/data/deribit");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        String message = "no shared/data/deribit above " + Path.of("").toAbsolutePath();
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message);
        }
        Assumptions.abort(message);
        return null;
    }

    private static Row row(String symbol) {
        return chain.stream().filter(r -> r.symbol().equals(symbol)).findFirst().orElseThrow();
    }

    /** The call and the put of {@code expiry} at the strike nearest its forward. */
    private static List<Row> atmStraddle(String expiryTag) {
        Row atm = chain.stream().filter(r -> r.symbol().startsWith("BTC-" + expiryTag + "-") && r.markIv() > 0)
                .min(Comparator.comparingDouble(r -> Math.abs(r.strike() - r.forward()))).orElseThrow();
        String stem = atm.symbol().substring(0, atm.symbol().length() - 1);
        return List.of(row(stem + "C"), row(stem + "P"));
    }

    private static double dollarGamma(Map<Row, Double> book) {
        double g = 0;
        for (Map.Entry<Row, Double> e : book.entrySet()) {
            g += e.getValue() * e.getKey().gamma();
        }
        return g * s * s / 100;
    }

    private static double vega(Map<Row, Double> book) {
        double v = 0;
        for (Map.Entry<Row, Double> e : book.entrySet()) {
            v += e.getValue() * e.getKey().vega();
        }
        return v;
    }

    private static Book book(Map<Row, Double> held) {
        return new Book("BTC", s, 0.0, asOf, dollarGamma(held) * 100 / (s * s), vega(held));
    }

    private static List<HedgeCandidate> candidates() {
        return chain.stream().map(Row::candidate).toList();
    }

    /** The option is real, quoted on both sides, within every filter: checked on the raw row, independently. */
    private static void assertRealAndWithinFilters(Leg leg, OptionHedgeLimits limits) {
        Row r = row(leg.instrument());
        assertThat(r.bidCoin()).isPositive();
        assertThat(r.askCoin()).isGreaterThanOrEqualTo(r.bidCoin());
        assertThat(r.days()).isBetween(limits.hedgeMinDays(), limits.hedgeMaxDays());
        assertThat(Math.abs(IndependentBlack76.forwardDelta(r.call(), r.forward(), r.strike(), r.tau(), r.markIv())))
                .isBetween(0.25, 0.75);
        assertThat((r.askCoin() - r.bidCoin()) * r.forward() / r.vega()).isLessThanOrEqualTo(limits.hedgeMaxSpreadVolPts());
        double lots = Math.abs(leg.quantity()) / LOT;
        assertThat(lots).isCloseTo(Math.rint(lots), org.assertj.core.api.Assertions.within(1e-9));
        assertThat(Math.rint(lots)).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aBookShortGammaGetsARealQuotedOptionThatBringsDollarGammaToHalfItsLimit() {
        // Short 25 two-day at-the-money straddles: short gamma.
        Map<Row, Double> held = new HashMap<>();
        for (Row r : atmStraddle("17APR26")) {
            held.put(r, -25.0);
        }
        double before = dollarGamma(held);
        double limit = Math.floor(Math.abs(before) / 2.5);
        OptionHedgeLimits limits = new OptionHedgeLimits(true, limit, null, 0.5, 7, 120, 2.0, LOT, 30_000);
        assertThat(before).isLessThan(-limit);

        Decision d = OptionHedgeRule.decide(book(held), candidates(), limits, List.of());
        assertThat(d.outcome()).as(d.reason()).isEqualTo(Outcome.HEDGE);
        Leg leg = d.legs().get(0);
        assertThat(d.legs()).hasSize(1);
        assertThat(leg.kind()).isEqualTo(HedgeKind.GAMMA);
        assertThat(leg.side()).isEqualTo(io.ballast.avro.Side.BUY);
        assertRealAndWithinFilters(leg, limits);

        // Applied, and recomputed here: |dollar gamma| at half the limit, past it by less than one lot.
        Row bought = row(leg.instrument());
        held.merge(bought, leg.quantity(), Double::sum);
        double after = dollarGamma(held);
        double oneLot = LOT * bought.gamma() * s * s / 100;
        assertThat(Math.abs(after)).isBetween(0.5 * limit - 1e-6 * limit, 0.5 * limit + oneLot);
        assertThat(Math.abs(after)).isLessThan(limit);
        System.out.println("[option hedge, real chain] " + d.reason() + "; recomputed |dollar gamma| " + Math.abs(after));
        // And no second hedge from the hedged book.
        assertThat(OptionHedgeRule.decide(book(held), candidates(), limits, List.of()).outcome())
                .isEqualTo(Outcome.WITHIN_LIMITS);
    }

    @Test
    void aBookOverBothLimitsGetsTwoRealOptionsAndEndsWithinBoth() {
        // Short 25 two-day straddles and 30 June at-the-money calls: short gamma, short vega.
        Map<Row, Double> held = new HashMap<>();
        for (Row r : atmStraddle("17APR26")) {
            held.put(r, -25.0);
        }
        held.put(atmStraddle("26JUN26").get(0), -30.0);
        double gammaBefore = dollarGamma(held);
        double vegaBefore = vega(held);
        double gammaLimit = Math.floor(Math.abs(gammaBefore) / 2.5);
        double vegaLimit = Math.floor(Math.abs(vegaBefore) / 1.5);
        OptionHedgeLimits limits = new OptionHedgeLimits(true, gammaLimit, vegaLimit, 0.5, 7, 120, 2.0, LOT, 30_000);

        Decision d = OptionHedgeRule.decide(book(held), candidates(), limits, List.of());
        assertThat(d.outcome()).as(d.reason()).isEqualTo(Outcome.HEDGE);
        assertThat(d.fallback()).as(d.reason()).isFalse();
        assertThat(d.legs()).extracting(Leg::kind).containsExactly(HedgeKind.GAMMA, HedgeKind.VEGA);
        for (Leg leg : d.legs()) {
            assertRealAndWithinFilters(leg, limits);
            held.merge(row(leg.instrument()), leg.quantity(), Double::sum);
        }
        double gammaAfter = dollarGamma(held);
        double vegaAfter = vega(held);
        // Each on its target, within what one lot of each leg moves it.
        double gammaSlack = 0;
        double vegaSlack = 0;
        for (Leg leg : d.legs()) {
            gammaSlack += LOT * row(leg.instrument()).gamma() * s * s / 100;
            vegaSlack += LOT * row(leg.instrument()).vega();
        }
        assertThat(Math.abs(Math.abs(gammaAfter) - 0.5 * gammaLimit)).isLessThanOrEqualTo(gammaSlack);
        assertThat(Math.abs(Math.abs(vegaAfter) - 0.5 * vegaLimit)).isLessThanOrEqualTo(vegaSlack);
        assertThat(Math.abs(gammaAfter)).isLessThan(gammaLimit);
        assertThat(Math.abs(vegaAfter)).isLessThan(vegaLimit);
        System.out.println("[option hedge, real chain] " + d.reason());
    }
}
