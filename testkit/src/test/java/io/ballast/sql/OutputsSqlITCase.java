package io.ballast.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.TestRecords;
import io.ballast.avro.BandMode;
import io.ballast.avro.Collateral;
import io.ballast.avro.ExpiryRisk;
import io.ballast.avro.Instrument;
import io.ballast.avro.OptionRight;
import io.ballast.avro.PortfolioRisk;
import io.ballast.avro.Quote;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RejectedRecord;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.RiskSnapshot;
import io.ballast.avro.Side;
import io.ballast.avro.SignalStatus;
import io.ballast.avro.SignalType;
import io.ballast.avro.Trade;
import io.ballast.avro.VolSkew;
import io.ballast.job.IndependentBlack;
import io.ballast.testing.Repository;
import io.ballast.testkit.AvroCodec;
import io.ballast.testkit.BallastRig;
import io.ballast.testkit.ChildJvm;
import io.ballast.testkit.KafkaBrokerExtension;
import io.ballast.testkit.SchemaRegistryExtension;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code deploy/sql/ballast-outputs.sql} and the example queries of {@code deploy/sql/ballast-queries.sql},
 * run unchanged by a real Flink {@code TableEnvironment} (batch, reads bounded at the latest offsets) on what
 * the real job wrote to the real broker and registry; each query's result is checked against the same
 * records read with a plain {@code read_committed} consumer and the job's own Avro decoder.
 *
 * <p>The SQL runs in a child JVM ({@link SqlRunnerMain}): the avro-confluent format's jar carries copies of
 * flink-avro's classes built against a relocated Avro, so it cannot share a classpath with the job's
 * flink-avro. Its classpath is this JVM's without flink-avro, plus that jar (copied to target/sql-lib by the
 * build).
 */
class OutputsSqlITCase {

    private static final double MILLIS_PER_YEAR = 31_536_000_000.0;
    private static final double S = 100_000;
    private static final double VOL = 0.6;
    private static final Duration SQL_TIMEOUT = Duration.ofSeconds(90);
    private static final double USDC = 1_000_000;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.shared();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = SchemaRegistryExtension.shared();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private final Path dir = Path.of("target", "it-state", KafkaBrokerExtension.uniqueName("sql")).toAbsolutePath();
    private final Instant t0 = TestRecords.now().minusSeconds(90);
    private final Instant expiry = t0.plusSeconds(30L * 86_400);

    static Path ddlFile() {
        return Repository.file("deploy/sql/ballast-outputs.sql");
    }

    static Path queriesFile() {
        return Repository.file("deploy/sql/ballast-queries.sql");
    }

    private static RiskLimits limits(String provider) {
        RiskLimits l = TestRecords.limits(provider, null);
        l.setDeltaBand(1.0);
        l.setBandMode(BandMode.FIXED);
        l.setMinHedgeQuantity(0.01);
        l.setHedgeTimeoutMs(600_000);
        l.setGammaLimit(null);
        l.setVegaLimit(null);
        return l;
    }

    /** A perpetual quote around S and a chain of calls and puts at a flat VOL on the forward S. */
    private void market(BallastRig rig, Instant at) {
        rig.quote(TestRecords.quote(TestRecords.perp("BTC"), S - 0.5, S + 0.5, at));
        double tau = (expiry.toEpochMilli() - at.toEpochMilli()) / MILLIS_PER_YEAR;
        for (double k = 80_000; k <= 120_000; k += 5_000) {
            for (OptionRight right : OptionRight.values()) {
                Instrument o = TestRecords.option("BTC", k, expiry, right);
                double v = right == OptionRight.CALL ? IndependentBlack.call(S, k, tau, VOL) : IndependentBlack.put(S, k, tau, VOL);
                Quote q = TestRecords.quote(o, v * (1 - 1e-9), v * (1 + 1e-9), at);
                q.setUnderlyingPrice(S);
                rig.quote(q);
            }
        }
    }

    @Test
    void everyExampleQueryAgreesWithWhatAPlainConsumerReads() throws Exception {
        BallastRig rig = new BallastRig(KAFKA, REGISTRY.url(), dir, 2);
        for (String p : List.of("mm1", "mm2")) {
            rig.limits(p, limits(p));
        }
        market(rig, t0);
        Instrument atm = TestRecords.option("BTC", S, expiry, OptionRight.CALL);
        Trade duplicate = TestRecords.trade("mm2-1", "mm2", TestRecords.perp("BTC"), Side.SELL, 5, S, t0.plusSeconds(2));
        Trade invalid = TestRecords.trade("mm2-bad", "mm2", TestRecords.perp("BTC"), Side.SELL, 1, S, t0.plusSeconds(3));
        invalid.setQuantity(-1.0);
        rig.trade(TestRecords.trade("mm1-1", "mm1", atm, Side.SELL, 10, 7_800, t0.plusSeconds(1)));
        rig.trade(duplicate);
        rig.trade(Trade.newBuilder(duplicate).build());
        rig.trade(invalid);
        rig.trade(TestRecords.trade("mm1-2", "mm1", TestRecords.perp("BTC"), Side.BUY, 0.5, S, t0.plusSeconds(70)));
        rig.send(List.of(new ProducerRecord<>(rig.quotes, "BTC-PERP".getBytes(StandardCharsets.UTF_8),
                new byte[] {7, 1, 2, 3, 4, 5})));
        // mm1's collateral: USDC is worth 1 USD (no haircut in these limits); SOL has no book, so no price.
        rig.collateral(new Collateral("mm1", "deribit", "USDC", USDC, t0));
        rig.collateral(new Collateral("mm1", "deribit", "SOL", 3.0, t0));

        JobClient job = rig.start(rig.config("--portfolio.enabled", "true"), 1, null);
        try {
            rig.signalsUntil(s -> s.stream().filter(x -> x.getType() == SignalType.DELTA_HEDGE).count() >= 2);
            rig.rejectedUntil(r -> r.size() >= 3);
            rig.riskUntil(r -> r.stream().anyMatch(x -> x.getProviderId().equals("mm1") && x.getPositions() == 2));
            rig.portfolioUntil(p -> p.stream().anyMatch(x -> x.getProviderId().equals("mm1")
                    && Math.abs(x.getCollateralValue() - USDC) < 1e-6 && x.getUnvaluedAssets().contains("SOL")
                    && x.getUnderlyings().size() == 1)
                    && p.stream().anyMatch(x -> x.getProviderId().equals("mm2")));
            // Stopped with a savepoint: every transaction of the job is committed, the outputs are final.
            job.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                    .get();
        } catch (Exception | AssertionError e) {
            BallastRig.cancel(job);
            throw e;
        }
        // A record of an aborted transaction: read_committed tables never see it.
        RejectedRecord aborted = RejectedRecord.newBuilder().setSourceTopic(rig.quotes).setPartition(0).setOffset(0)
                .setReason("ABORTED_PROBE").setDetail("written in an aborted transaction")
                .setPayload(java.nio.ByteBuffer.wrap(new byte[0])).setEventTime(t0).build();
        KAFKA.sendInTransaction(List.of(rig.record(rig.rejected, "probe", aborted)), false);

        AvroCodec codec = new AvroCodec(REGISTRY.url());
        List<AvroCodec.Decoded<RiskSnapshot>> risk = codec.decode(KAFKA.consumeToEnd(rig.risk, Duration.ofSeconds(30)), RiskSnapshot.class);
        List<AvroCodec.Decoded<RebalanceSignal>> signals = codec.decode(KAFKA.consumeToEnd(rig.signals, Duration.ofSeconds(30)), RebalanceSignal.class);
        List<AvroCodec.Decoded<VolSkew>> skew = codec.decode(KAFKA.consumeToEnd(rig.skew, Duration.ofSeconds(30)), VolSkew.class);
        List<AvroCodec.Decoded<RejectedRecord>> rejected = codec.decode(KAFKA.consumeToEnd(rig.rejected, Duration.ofSeconds(30)), RejectedRecord.class);
        List<AvroCodec.Decoded<PortfolioRisk>> portfolio = codec.decode(KAFKA.consumeToEnd(rig.portfolio, Duration.ofSeconds(30)), PortfolioRisk.class);

        Map<String, Result> sql = runSql(rig);

        // latest_risk: the highest sequence of every provider/underlying.
        Map<String, RiskSnapshot> latestRisk = risk.stream().map(AvroCodec.Decoded::value).collect(Collectors.toMap(
                r -> r.getProviderId() + "/" + r.getUnderlying(), Function.identity(),
                (a, b) -> a.getSequence() >= b.getSequence() ? a : b, TreeMap::new));
        assertThat(latestRisk).containsOnlyKeys("mm1/BTC", "mm2/BTC");
        Result latest = sql.get("latest_risk");
        assertThat(latest.rows()).hasSize(latestRisk.size());
        for (Map<String, JsonNode> row : latest.rows()) {
            RiskSnapshot expected = latestRisk.get(row.get("providerId").asText() + "/" + row.get("underlying").asText());
            assertThat(expected).as("a book of the SQL result: %s", row).isNotNull();
            assertThat(row.get("sequence").asLong()).isEqualTo(expected.getSequence());
            assertThat(row.get("netDelta").asDouble()).isEqualTo(expected.getNetDelta());
            assertThat(row.get("pendingHedge").asDouble()).isEqualTo(expected.getPendingHedge());
            assertThat(row.get("dollarGamma").asDouble()).isEqualTo(expected.getDollarGamma());
            assertThat(row.get("vega").asDouble()).isEqualTo(expected.getVega());
            assertThat(row.get("positions").asInt()).isEqualTo(expected.getPositions());
            assertThat(row.get("asOf").asText()).isEqualTo(utc(expected.getAsOf()).toString());
        }

        // latest_risk_by_expiry: the byExpiry elements of every book's latest record, one row each. mm1 holds
        // options of one expiry (the call it sold), mm2 none: its book has no row.
        List<String> byExpiry = new ArrayList<>();
        for (RiskSnapshot r : latestRisk.values()) {
            for (ExpiryRisk e : r.getByExpiry()) {
                byExpiry.add(String.join(" ", r.getProviderId(), r.getUnderlying(), Long.toString(r.getSequence()),
                        utc(e.getExpiry()).toString(), Double.toString(e.getNetDelta()), Double.toString(e.getDollarGamma()),
                        Double.toString(e.getVega()), Double.toString(e.getTheta())));
            }
        }
        assertThat(latestRisk.get("mm1/BTC").getByExpiry()).extracting(ExpiryRisk::getExpiry)
                .containsExactly(expiry.truncatedTo(ChronoUnit.MILLIS));
        assertThat(latestRisk.get("mm2/BTC").getByExpiry()).isEmpty();
        assertThat(sql.get("latest_risk_by_expiry").rows()).extracting(row -> String.join(" ",
                        row.get("providerId").asText(), row.get("underlying").asText(), row.get("sequence").asText(),
                        row.get("expiry").asText(), Double.toString(row.get("netDelta").asDouble()),
                        Double.toString(row.get("dollarGamma").asDouble()), Double.toString(row.get("vega").asDouble()),
                        Double.toString(row.get("theta").asDouble())))
                .containsExactlyInAnyOrderElementsOf(byExpiry);

        // latest_portfolio: the highest sequence of every provider; mm1's carries its collateral.
        Map<String, PortfolioRisk> latestPortfolio = portfolio.stream().map(AvroCodec.Decoded::value).collect(Collectors.toMap(
                PortfolioRisk::getProviderId, Function.identity(),
                (a, b) -> a.getSequence() >= b.getSequence() ? a : b, TreeMap::new));
        assertThat(latestPortfolio).containsOnlyKeys("mm1", "mm2");
        assertThat(latestPortfolio.get("mm1").getCollateralValue()).isCloseTo(USDC, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(latestPortfolio.get("mm1").getUnvaluedAssets()).containsExactly("SOL");
        assertThat(latestPortfolio.get("mm2").getCollateralValue()).isZero();
        Result portfolios = sql.get("latest_portfolio");
        assertThat(portfolios.rows()).extracting(r -> r.get("providerId").asText())
                .containsExactlyInAnyOrderElementsOf(latestPortfolio.keySet());
        for (Map<String, JsonNode> row : portfolios.rows()) {
            PortfolioRisk expected = latestPortfolio.get(row.get("providerId").asText());
            assertThat(row.get("sequence").asLong()).isEqualTo(expected.getSequence());
            assertThat(row.get("asOf").asText()).isEqualTo(utc(expected.getAsOf()).toString());
            assertThat(row.get("equity").asDouble()).isEqualTo(expected.getEquity());
            assertThat(row.get("collateralValue").asDouble()).isEqualTo(expected.getCollateralValue());
            assertThat(row.get("margin").asDouble()).isEqualTo(expected.getMargin());
            assertThat(nullableDouble(row.get("marginUsage"))).isEqualTo(expected.getMarginUsage());
            assertThat(row.get("worstLoss").asDouble()).isEqualTo(expected.getScenarios().getWorstLoss());
            assertThat(row.get("worstSpotShock").asDouble()).isEqualTo(expected.getScenarios().getWorstSpotShock());
            assertThat(nullableDouble(row.get("liquidationMoveDown"))).isEqualTo(expected.getLiquidationMoveDown());
            assertThat(nullableDouble(row.get("liquidationMoveUp"))).isEqualTo(expected.getLiquidationMoveUp());
            assertThat(row.get("pnlToday").asDouble()).isEqualTo(expected.getExplain().getTotal());
            assertThat(row.get("underlyingCount").asInt()).isEqualTo(expected.getUnderlyings().size());
            assertThat(row.get("unvaluedAssetCount").asInt()).isEqualTo(expected.getUnvaluedAssets().size());
        }

        // signals_per_minute: counted by event-time minute, type and status.
        Map<String, Long> perMinute = signals.stream().map(AvroCodec.Decoded::value).collect(Collectors.groupingBy(
                s -> utc(s.getEventTime().truncatedTo(ChronoUnit.MINUTES)) + " " + s.getType() + " " + s.getStatus(),
                TreeMap::new, Collectors.counting()));
        Map<String, Long> perMinuteSql = counts(sql.get("signals_per_minute"), "signals", "window_start", "type", "status");
        assertThat(perMinuteSql).isEqualTo(perMinute);
        assertThat(perMinute.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(signals.size());

        // hedge_orders: every DELTA_HEDGE action with its order.
        Map<String, RebalanceSignal> hedges = signals.stream().map(AvroCodec.Decoded::value)
                .filter(s -> s.getType() == SignalType.DELTA_HEDGE && s.getStatus() == SignalStatus.ACTION)
                .collect(Collectors.toMap(RebalanceSignal::getSignalId, Function.identity()));
        assertThat(hedges).containsKeys("mm1/BTC/DELTA_HEDGE/1", "mm2/BTC/DELTA_HEDGE/1");
        Result orders = sql.get("hedge_orders");
        assertThat(orders.rows()).extracting(r -> r.get("signalId").asText())
                .containsExactlyInAnyOrderElementsOf(hedges.keySet());
        for (Map<String, JsonNode> row : orders.rows()) {
            RebalanceSignal expected = hedges.get(row.get("signalId").asText());
            assertThat(row.get("instrument").asText()).isEqualTo(expected.getInstrument());
            assertThat(row.get("side").asText()).isEqualTo(expected.getSide().name());
            assertThat(row.get("quantity").asDouble()).isEqualTo(expected.getQuantity());
            assertThat(row.get("eventTime").asText()).isEqualTo(utc(expected.getEventTime()).toString());
        }

        // latest_smile: the last one written for every underlying and expiry.
        Map<String, VolSkew> lastSmile = skew.stream()
                .sorted(Comparator.comparingLong(AvroCodec.Decoded::offset))
                .collect(Collectors.toMap(d -> d.value().getUnderlying() + " " + utc(d.value().getExpiry()),
                        AvroCodec.Decoded::value, (a, b) -> b, TreeMap::new));
        assertThat(lastSmile).isNotEmpty();
        Result smiles = sql.get("latest_smile");
        assertThat(smiles.rows()).hasSize(lastSmile.size());
        for (Map<String, JsonNode> row : smiles.rows()) {
            VolSkew expected = lastSmile.get(row.get("underlying").asText() + " " + row.get("expiry").asText());
            assertThat(expected).as("a smile of the SQL result: %s", row).isNotNull();
            assertThat(row.get("atmVol").asDouble()).isEqualTo(expected.getAtmVol());
            assertThat(row.get("points").asInt()).isEqualTo(expected.getPoints());
            assertThat(row.get("asOf").asText()).isEqualTo(utc(expected.getAsOf()).toString());
            assertThat(nullableDouble(row.get("rr25"))).isEqualTo(expected.getRr25());
        }

        // rejects_by_reason: committed rejects by topic and code; the aborted probe is not among them.
        Map<String, Long> byReason = rejected.stream().map(AvroCodec.Decoded::value).collect(Collectors.groupingBy(
                r -> r.getSourceTopic() + " " + r.getReason(), TreeMap::new, Collectors.counting()));
        assertThat(byReason).containsKeys(rig.quotes + " BAD_MAGIC_BYTE", rig.trades + " DUPLICATE_TRADE",
                rig.trades + " INVALID_FIELD").doesNotContainKey(rig.quotes + " ABORTED_PROBE");
        Map<String, Long> byReasonSql = counts(sql.get("rejects_by_reason"), "records", "sourceTopic", "reason");
        assertThat(byReasonSql).isEqualTo(byReason);
    }

    // ------------------------------------------------------------------------------ the SQL side

    /** One query's result: rows as column name to value. */
    record Result(List<String> columns, List<Map<String, JsonNode>> rows) {
    }

    private Map<String, Result> runSql(BallastRig rig) throws IOException {
        Path libDir = Path.of(System.getProperty("ballast.sql.lib.dir", "target/sql-lib"));
        List<Path> formatJars;
        try (Stream<Path> files = Files.list(libDir)) {
            formatJars = files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError("No SQL format jars in " + libDir + ": run through Maven (pre-integration-test copies them)", e);
        }
        assertThat(formatJars).as("jars in %s", libDir).isNotEmpty();
        List<Path> classpath = new ArrayList<>();
        for (Path p : ChildJvm.currentClasspath()) {
            if (!p.getFileName().toString().matches("flink-avro-\\d.*\\.jar")) {
                classpath.add(p);
            }
        }
        classpath.addAll(formatJars);

        Files.createDirectories(dir);
        Path out = dir.resolve("sql-results.json");
        Path log = dir.resolve("sql-runner.log");
        List<String> args = List.of(out.toString(), ddlFile().toString(), queriesFile().toString(),
                KAFKA.bootstrapServers(), REGISTRY.url(),
                "inventory_risk=" + rig.risk, "rebalance_signals=" + rig.signals, "vol_skew=" + rig.skew,
                "rejected=" + rig.rejected, "portfolio_risk=" + rig.portfolio);
        long started = System.nanoTime();
        try (ChildJvm sqlJvm = ChildJvm.start("flink-sql", List.of("-Xmx768m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"),
                classpath, SqlRunnerMain.class.getName(), args, dir, log)) {
            boolean ended = sqlJvm.awaitExit(SQL_TIMEOUT);
            String output = Files.exists(log) ? Files.readString(log) : "(no output)";
            assertThat(ended).as("the SQL runner ended within %s; its output:%n%s", SQL_TIMEOUT, output).isTrue();
            assertThat(out).as("the SQL runner wrote its results; its output:%n%s", output).exists();
            System.out.printf("SQL runner: %d ms%n%s", (System.nanoTime() - started) / 1_000_000, output);
        }
        JsonNode root = new ObjectMapper().readTree(out.toFile());
        Map<String, Result> results = new HashMap<>();
        root.fields().forEachRemaining(e -> {
            List<String> columns = new ArrayList<>();
            e.getValue().get("columns").forEach(c -> columns.add(c.asText()));
            List<Map<String, JsonNode>> rows = new ArrayList<>();
            for (JsonNode r : e.getValue().get("rows")) {
                Map<String, JsonNode> row = new HashMap<>();
                for (int i = 0; i < columns.size(); i++) {
                    row.put(columns.get(i), r.get(i));
                }
                rows.add(row);
            }
            results.put(e.getKey(), new Result(columns, rows));
        });
        assertThat(results).containsOnlyKeys("latest_risk", "latest_risk_by_expiry", "signals_per_minute",
                "hedge_orders", "latest_smile", "rejects_by_reason", "latest_portfolio");
        return results;
    }

    /** A count column by the other columns' values joined with spaces; a key repeated in the result fails. */
    private static Map<String, Long> counts(Result result, String count, String... keys) {
        Map<String, Long> counts = new TreeMap<>();
        for (Map<String, JsonNode> row : result.rows()) {
            String key = Stream.of(keys).map(k -> row.get(k).asText()).collect(Collectors.joining(" "));
            assertThat(counts.put(key, row.get(count).asLong())).as("a second row for %s", key).isNull();
        }
        return counts;
    }

    private static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Double nullableDouble(JsonNode node) {
        return node == null || node.isNull() ? null : node.asDouble();
    }
}
