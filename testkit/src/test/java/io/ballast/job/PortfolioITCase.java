package io.ballast.job;

import io.ballast.tools.DeribitChain;
import io.ballast.TestRecords;
import io.ballast.avro.BandMode;
import io.ballast.avro.Collateral;
import io.ballast.avro.Instrument;
import io.ballast.avro.OptionRight;
import io.ballast.avro.PortfolioRisk;
import io.ballast.avro.Quote;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.Side;
import io.ballast.avro.SignalStatus;
import io.ballast.avro.SignalType;
import io.ballast.avro.Trade;
import io.ballast.avro.UnderlyingRisk;
import io.ballast.testkit.BallastRig;
import io.ballast.testkit.KafkaBrokerExtension;
import io.ballast.testkit.SchemaRegistryExtension;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

/**
 * The portfolio stage in the whole job (MiniCluster, real KRaft broker, real Apicurio registry) on a book in
 * two underlyings built from Deribit's real BTC and ETH chains ({@code ../shared/data/deribit/}, moved in time:
 * every expiry shifted so that each option keeps its time to expiry at the test's clock). Every number of the
 * {@code portfolio-risk} record is checked against a full revaluation written here: the vols solved again from
 * the quoted mids by bisection on {@link IndependentBlack}, then Black-76 at the fills' time. Then MARGIN_USAGE
 * is breached by withdrawing collateral and cleared by adding it back, one signal each.
 */
class PortfolioITCase {

    private static final double MILLIS_PER_YEAR = 31_536_000_000.0;
    private static final double HAIRCUT_BTC = 0.1;
    private static final double COIN_BTC = 2.0;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = SchemaRegistryExtension.shared();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private final Path dir = Path.of("target", "it-state", KafkaBrokerExtension.uniqueName("portfolio")).toAbsolutePath();
    private final Instant t0 = TestRecords.now().minusSeconds(60);
    private final Instant t1 = t0.plusSeconds(1);

    /** One option of the book: its chain row moved in time, its quoted mid and the test's own vol. */
    private record Leg(Instrument ins, double qty, double forward, double mid, double vol) {
        boolean call() {
            return ins.getRight() == OptionRight.CALL;
        }

        double tau(Instant at) {
            return (ins.getExpiry().toEpochMilli() - at.toEpochMilli()) / MILLIS_PER_YEAR;
        }

        double value(double spotShock, double volShock, Instant at) {
            double f = forward * (1 + spotShock);
            double v = vol * (1 + volShock);
            return qty * (call() ? IndependentBlack.call(f, ins.getStrike(), tau(at), v)
                    : IndependentBlack.put(f, ins.getStrike(), tau(at), v));
        }
    }

    /** One underlying: S (= the chosen expiry's forward, quoted as the perpetual's mid), perp quantity, legs. */
    private record Book(String underlying, double s, double perp, List<Leg> legs) {
    }

    // ------------------------------------------------------------------------------ the chains

    static Path deribit() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path c = d.resolve("shared").resolve("data").resolve("deribit");
            if (Files.isDirectory(c)) {
                return c;
            }
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("shared/data/deribit not found above " + Path.of("").toAbsolutePath());
        }
        Assumptions.abort("shared/data/deribit not found above " + Path.of("").toAbsolutePath());
        return null;
    }

    /**
     * A book from a chain file (README: {@code expiration} epoch ms, {@code mark_price} in coin, {@code timestamp}
     * UTC+03:00): the expiry nearest 30 days out; short {@code calls} of the call nearest 1.05·F, long {@code puts}
     * of the put nearest 0.9·F; {@code perp} perpetuals. Moved so that the chain's time is {@code t0}.
     */
    private Book book(String file, String underlying, double calls, double puts, double perp) throws IOException {
        List<String> lines = Files.readAllLines(deribit().resolve(file));
        List<String> h = DeribitChain.splitCsv(lines.get(0));
        List<List<String>> rows = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            if (!l.isBlank()) {
                rows.add(DeribitChain.splitCsv(l));
            }
        }
        int strike = h.indexOf("strike");
        int expiration = h.indexOf("expiration");
        int type = h.indexOf("option_type");
        int forward = h.indexOf("underlying_price");
        int mark = h.indexOf("mark_price");
        int time = h.indexOf("timestamp");
        long chainTime = LocalDateTime.parse(rows.get(0).get(time)).toInstant(ZoneOffset.ofHours(3)).toEpochMilli();
        long target = chainTime + 30L * 86_400_000;
        long expiry = rows.stream().mapToLong(r -> Long.parseLong(r.get(expiration)))
                .boxed().min(Comparator.comparingLong(e -> Math.abs(e - target))).orElseThrow();
        List<List<String>> chain = rows.stream().filter(r -> Long.parseLong(r.get(expiration)) == expiry
                && Double.parseDouble(r.get(mark)) > 0).toList();
        double f = Double.parseDouble(chain.get(0).get(forward));
        long shift = t0.toEpochMilli() - chainTime;
        Instant moved = Instant.ofEpochMilli(expiry + shift);
        List<Leg> legs = new ArrayList<>();
        for (boolean call : new boolean[] {true, false}) {
            double want = call ? 1.05 * f : 0.9 * f;
            List<String> row = chain.stream().filter(r -> r.get(type).equals(call ? "call" : "put"))
                    .min(Comparator.comparingDouble(r -> Math.abs(Double.parseDouble(r.get(strike)) - want))).orElseThrow();
            double k = Double.parseDouble(row.get(strike));
            double fRow = Double.parseDouble(row.get(forward));
            double mid = Double.parseDouble(row.get(mark)) * fRow;
            Instrument ins = TestRecords.option(underlying, k, moved, call ? OptionRight.CALL : OptionRight.PUT);
            double tau0 = (moved.toEpochMilli() - t0.toEpochMilli()) / MILLIS_PER_YEAR;
            legs.add(new Leg(ins, call ? -calls : puts, fRow, mid, impliedVol(call, mid, fRow, k, tau0)));
        }
        return new Book(underlying, f, perp, legs);
    }

    /** The test's own implied vol: bisection on {@link IndependentBlack} to the last bit. */
    static double impliedVol(boolean call, double price, double f, double k, double tau) {
        double lo = 1e-4;
        double hi = 5;
        for (int i = 0; i < 200 && hi - lo > 0; i++) {
            double mid = 0.5 * (lo + hi);
            if (mid == lo || mid == hi) {
                break;
            }
            double p = call ? IndependentBlack.call(f, k, tau, mid) : IndependentBlack.put(f, k, tau, mid);
            if (p < price) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    // ------------------------------------------------------------------------------ the oracle

    /** P&amp;L of the whole portfolio, coin collateral included, of a joint spot shock s and vol shock v. */
    private static double pnl(List<Book> books, double s, double v, Instant at) {
        double sum = 0;
        for (Book b : books) {
            sum += b.perp() * b.s() * s;
            if (b.underlying().equals("BTC")) {
                sum += COIN_BTC * b.s() * s;
            }
            for (Leg l : b.legs()) {
                sum += l.value(s, v, at) - l.value(0, 0, at);
            }
        }
        return sum;
    }

    /** Σ option values (the perps were bought at S: no unrealized P&amp;L) plus the BTC coin after haircut. */
    private static double equityWithoutUsdc(List<Book> books, Instant at) {
        double e = 0;
        for (Book b : books) {
            for (Leg l : b.legs()) {
                e += l.value(0, 0, at);
            }
            if (b.underlying().equals("BTC")) {
                e += COIN_BTC * b.s() * (1 - HAIRCUT_BTC);
            }
        }
        return e;
    }

    private static Double crossing(List<Book> books, double equity, int direction, Instant at) {
        double bound = direction < 0 ? 0.95 : 3.0;
        double inside = 0;
        for (int k = 1; ; k++) {
            double m = direction * Math.min(k * 0.01, bound);
            if (equity + pnl(books, m, 0, at) <= 0) {
                double outside = m;
                // As CONTRACT.md defines the number: bisected to a bracket 1e-4 wide, its outer end.
                while (Math.abs(outside - inside) > 1e-4) {
                    double mid = 0.5 * (inside + outside);
                    if (equity + pnl(books, mid, 0, at) <= 0) {
                        outside = mid;
                    } else {
                        inside = mid;
                    }
                }
                return outside;
            }
            if (Math.abs(m) >= bound) {
                return null;
            }
            inside = m;
        }
    }

    private static void close(double actual, double expected, String what) {
        assertThat(actual).as(what).isCloseTo(expected, within(Math.max(1e-8 * Math.abs(expected), 1e-6)));
    }

    // ------------------------------------------------------------------------------ the test

    private void quotes(BallastRig rig, Book b) {
        rig.quote(TestRecords.quote(TestRecords.perp(b.underlying()), b.s() - 0.5, b.s() + 0.5, t0));
        for (Leg l : b.legs()) {
            Quote q = TestRecords.quote(l.ins(), l.mid() * (1 - 1e-12), l.mid() * (1 + 1e-12), t0);
            q.setUnderlyingPrice(l.forward());
            rig.quote(q);
        }
    }

    private void fills(BallastRig rig, Book b) {
        int n = 0;
        for (Leg l : b.legs()) {
            rig.trade(TestRecords.trade(b.underlying() + "-o" + n++, "mm1", l.ins(), l.qty() > 0 ? Side.BUY : Side.SELL,
                    Math.abs(l.qty()), l.mid(), t1));
        }
        rig.trade(TestRecords.trade(b.underlying() + "-perp", "mm1", TestRecords.perp(b.underlying()), Side.BUY, b.perp(),
                b.s(), t1));
    }

    private void usdc(BallastRig rig, double amount) {
        rig.collateral(new Collateral("mm1", "deribit", "USDC", amount, t1));
    }

    @Test
    void theRecordIsAFullRevaluationAndMarginUsageBreachesAndClearsOnceEach() throws Exception {
        Book btc = book("BTC_20251024_235754.csv", "BTC", 5, 5, 1);
        Book eth = book("ETH_20251025_000209.csv", "ETH", 50, 20, 10);
        List<Book> books = List.of(btc, eth);
        double margin = 0;
        double[] spot = {-0.30, -0.20, -0.10, -0.05, 0, 0.05, 0.10, 0.20, 0.30};
        double[] vol = {-0.30, 0, 0.50};
        double min = Double.POSITIVE_INFINITY;
        for (double s : spot) {
            for (double v : vol) {
                min = Math.min(min, pnl(books, s, v, t1));
            }
        }
        margin = Math.max(0, -min);
        double e0 = equityWithoutUsdc(books, t1);
        double huge = margin / 0.05 - e0;
        double tight = margin / 0.95 - e0;
        double ok = margin / 0.5 - e0;

        BallastRig rig = new BallastRig(KAFKA, REGISTRY.url(), dir, 2);
        RiskLimits l = TestRecords.limits("mm1", null);
        l.setDeltaBand(1e9);
        l.setBandMode(BandMode.FIXED);
        l.setGammaLimit(null);
        l.setVegaLimit(null);
        l.setMaxMarginUsage(0.8);
        l.setCollateralHaircuts(Map.of("BTC", HAIRCUT_BTC));
        rig.limits("mm1", l);
        quotes(rig, btc);
        quotes(rig, eth);
        // Exactly-once (the default): the portfolio's signals come through a transactional sink of their own,
        // read committed.
        JobClient job = rig.start(rig.config("--portfolio.enabled", "true"), 2, null);
        try {
            rig.skewUntil(s -> s.stream().anyMatch(x -> x.getUnderlying().equals("BTC"))
                    && s.stream().anyMatch(x -> x.getUnderlying().equals("ETH")));
            // The balances first, and seen, so that no partial book is ever without them.
            rig.collateral(new Collateral("mm1", "deribit", "BTC", COIN_BTC, t1));
            usdc(rig, huge);
            double hugeValue = huge + COIN_BTC * btc.s() * (1 - HAIRCUT_BTC);
            rig.portfolioUntil(r -> r.stream().anyMatch(x -> Math.abs(x.getCollateralValue() - hugeValue) < 1e-6));
            fills(rig, btc);
            fills(rig, eth);
            double fees = 0.1 * 6;
            Predicate<PortfolioRisk> complete = x -> Math.abs(x.getFees() - fees) < 1e-9 && x.getUnderlyings().size() == 2;
            PortfolioRisk r = last(rig.portfolioUntil(rs -> rs.stream().anyMatch(complete)), complete);
            System.out.println("portfolio-risk: " + r);

            // Every number against the oracle.
            assertThat(r.getAsOf()).isEqualTo(t1);
            for (int i = 0; i < spot.length; i++) {
                for (int j = 0; j < vol.length; j++) {
                    close(r.getScenarios().getGrid().get(i * vol.length + j), pnl(books, spot[i], vol[j], t1),
                            "grid cell spot " + spot[i] + " vol " + vol[j]);
                }
            }
            close(r.getScenarios().getWorstLoss(), margin, "worstLoss");
            close(r.getMargin(), margin, "margin");
            double equity = e0 + huge;
            close(r.getEquity(), equity, "equity");
            close(r.getCollateralValue(), hugeValue, "collateralValue");
            close(r.getMarginUsage(), margin / equity, "marginUsage");
            Double up = crossing(books, equity, +1, t1);
            Double down = crossing(books, equity, -1, t1);
            if (up == null) {
                assertThat(r.getLiquidationMoveUp()).isNull();
            } else {
                assertThat(r.getLiquidationMoveUp()).isCloseTo(up, within(1e-8 * Math.abs(up)));
            }
            if (down == null) {
                assertThat(r.getLiquidationMoveDown()).isNull();
            } else {
                assertThat(r.getLiquidationMoveDown()).isCloseTo(down, within(1e-8 * Math.abs(down)));
            }
            double deltaUsd = 0;
            double dollarGamma = 0;
            double vega = 0;
            for (Book b : books) {
                deltaUsd += b.perp() * b.s();
                for (Leg leg : b.legs()) {
                    double tau = leg.tau(t1);
                    double k = leg.ins().getStrike();
                    double d = IndependentBlack.callDelta(leg.forward(), k, tau, leg.vol()) - (leg.call() ? 0 : 1);
                    deltaUsd += leg.qty() * d * b.s();
                    double g = IndependentBlack.gamma(leg.forward(), k, tau, leg.vol());
                    dollarGamma += leg.qty() * g * b.s() * b.s() / 100;
                    vega += leg.qty() * g * leg.forward() * leg.forward() * leg.vol() * tau / 100;
                }
            }
            deltaUsd += COIN_BTC * btc.s();
            close(r.getDeltaUsd(), deltaUsd, "deltaUsd");
            close(r.getDollarGamma(), dollarGamma, "dollarGamma");
            close(r.getVega(), vega, "vega");
            close(r.getRealizedPnl(), 0, "realized");
            close(r.getFees(), fees, "fees");
            // Bought and sold at the mids they are marked at: unrealized is the time decay of one second only.
            double decay = 0;
            for (Book b : books) {
                for (Leg leg : b.legs()) {
                    decay += leg.value(0, 0, t1) - leg.qty() * leg.mid();
                }
            }
            close(r.getUnrealizedPnl(), decay, "unrealized");
            assertThat(r.getUnderlyings()).extracting(UnderlyingRisk::getUnderlying).containsExactly("BTC", "ETH");
            assertThat(rig.all(rig.signals, RebalanceSignal.class)).noneMatch(s -> s.getType() == SignalType.MARGIN_USAGE);

            // Withdraw, then add back: one BREACH, one CLEARED.
            usdc(rig, tight);
            RebalanceSignal breach = rig.signalsUntil(s -> s.stream().anyMatch(x -> x.getType() == SignalType.MARGIN_USAGE))
                    .stream().filter(x -> x.getType() == SignalType.MARGIN_USAGE).findFirst().orElseThrow();
            System.out.println("rebalance-signals (MARGIN_USAGE): " + breach);
            assertThat(breach.getStatus()).isEqualTo(SignalStatus.BREACH);
            assertThat(breach.getUnderlying()).isEqualTo("*");
            assertThat(breach.getSignalId()).isEqualTo("mm1/*/MARGIN_USAGE/1");
            assertThat(breach.getMarginUsage()).isCloseTo(0.95, within(1e-8));
            // With the tight collateral a rally liquidates: the move against the oracle's own crossing.
            double tightValue = tight + COIN_BTC * btc.s() * (1 - HAIRCUT_BTC);
            Predicate<PortfolioRisk> tightRecord = x -> Math.abs(x.getCollateralValue() - tightValue) < 1e-6;
            PortfolioRisk t = last(rig.portfolioUntil(rs -> rs.stream().anyMatch(tightRecord)), tightRecord);
            double tightEquity = e0 + tight;
            close(t.getEquity(), tightEquity, "equity, tight");
            Double upTight = crossing(books, tightEquity, +1, t1);
            Double downTight = crossing(books, tightEquity, -1, t1);
            assertThat(upTight).as("the oracle's rally that liquidates").isNotNull();
            assertThat(t.getLiquidationMoveUp()).isCloseTo(upTight, within(1e-8 * Math.abs(upTight)));
            assertThat(equityAfter(books, tightEquity, t.getLiquidationMoveUp())).as("the reported move liquidates")
                    .isLessThanOrEqualTo(1e-6 * tightEquity);
            if (downTight == null) {
                assertThat(t.getLiquidationMoveDown()).isNull();
            } else {
                assertThat(t.getLiquidationMoveDown()).isCloseTo(downTight, within(1e-8 * Math.abs(downTight)));
            }
            assertThat(breach.getLiquidationMoveUp()).isEqualTo(t.getLiquidationMoveUp());
            usdc(rig, ok);
            List<RebalanceSignal> usage = rig.signalsUntil(s -> s.stream().filter(x -> x.getType() == SignalType.MARGIN_USAGE).count() >= 2)
                    .stream().filter(x -> x.getType() == SignalType.MARGIN_USAGE).toList();
            double okValue = ok + COIN_BTC * btc.s() * (1 - HAIRCUT_BTC);
            rig.portfolioUntil(rs -> rs.stream().anyMatch(x -> Math.abs(x.getCollateralValue() - okValue) < 1e-6));
            usage = rig.all(rig.signals, RebalanceSignal.class).stream().filter(x -> x.getType() == SignalType.MARGIN_USAGE).toList();
            assertThat(usage).extracting(RebalanceSignal::getStatus).containsExactly(SignalStatus.BREACH, SignalStatus.CLEARED);
            assertThat(usage.get(1).getSignalId()).isEqualTo("mm1/*/MARGIN_USAGE/2");
            assertThat(usage.get(1).getMarginUsage()).isCloseTo(0.5, within(1e-8));

            // Bad balances are rejected like any input: a key that is not the record's, a tombstone naming nothing.
            rig.send(rig.collateral, "mm1/deribit/ETH", new Collateral("mm1", "deribit", "USDC", 1.0, t1));
            rig.send(List.of(new org.apache.kafka.clients.producer.ProducerRecord<>(rig.collateral,
                    "not-a-balance".getBytes(java.nio.charset.StandardCharsets.UTF_8), null)));
            List<io.ballast.avro.RejectedRecord> rejected = rig.rejectedUntil(rs -> rs.stream()
                    .filter(x -> x.getSourceTopic().equals(rig.collateral)).count() >= 2).stream()
                    .filter(x -> x.getSourceTopic().equals(rig.collateral)).toList();
            assertThat(rejected).extracting(io.ballast.avro.RejectedRecord::getReason)
                    .containsExactlyInAnyOrder("INVALID_FIELD", "NULL_VALUE");
            assertThat(rejected).filteredOn(x -> x.getReason().equals("INVALID_FIELD")).singleElement()
                    .satisfies(x -> assertThat(x.getDetail()).contains("collateral key 'mm1/deribit/ETH'"));
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            BallastRig.cancel(job);
        }
    }

    /** Equity after a joint move m, vol unchanged, by the oracle. */
    private double equityAfter(List<Book> books, double equity, double m) {
        return equity + pnl(books, m, 0, t1);
    }

    private static PortfolioRisk last(List<PortfolioRisk> records, Predicate<PortfolioRisk> which) {
        return records.stream().filter(which).max(Comparator.comparingLong(PortfolioRisk::getSequence)).orElseThrow();
    }
}
