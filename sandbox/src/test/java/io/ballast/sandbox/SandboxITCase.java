package io.ballast.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.testkit.Dirs;
import io.ballast.testkit.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Issue 5's end-to-end check: the sandbox jar, run as a person runs it (its own JVM, {@code java -jar}),
 * for about 30 s with a fixed seed. While it runs: the READY line, then the web UI's REST API shows the
 * Ballast job running and Ballast's own metrics. After it stops: a clean exit (no process left, no port
 * held, no stack trace on the console), a report with its charts, and each provider's delta inside its
 * band for most of the run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SandboxITCase {

    static final int RUN_SECONDS = 30;
    static final long SEED = 7;
    static final int PROVIDERS = 3;
    static final int UNDERLYINGS = 2;
    /** "Most of the run". */
    static final double INSIDE_BAND_AT_LEAST = 0.5;

    private static final Pattern READY = Pattern.compile(
            "READY bootstrap=127\\.0\\.0\\.1:(\\d+) registry=(http://127\\.0\\.0\\.1:(\\d+)/apis/ccompat/v7) web=(http://127\\.0\\.0\\.1:(\\d+))");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private Path out;
    private Process sandbox;
    private int exitCode = -1;
    private String readyLine;
    private Matcher ready;
    private JsonNode runningJob;
    private final List<String> metricIds = new ArrayList<>();
    private double quotesAccepted;
    private long wallMillis;

    @BeforeAll
    void runTheSandbox() throws Exception {
        Path jar = Path.of(System.getProperty("ballast.sandbox.jar", "target/ballast-sandbox.jar")).toAbsolutePath();
        assertThat(jar).as("the sandbox jar (built by mvn package)").exists();
        out = Path.of("target", "it-sandbox").toAbsolutePath();
        Dirs.deleteTree(out);
        long start = System.nanoTime();
        sandbox = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString(), "--duration", Integer.toString(RUN_SECONDS), "--seed", Long.toString(SEED),
                "--providers", Integer.toString(PROVIDERS), "--kafka-port", "0", "--registry-port", "0",
                "--web-port", "0", "--out", out.toString())
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        collect(sandbox.getInputStream(), stdout, true);
        collect(sandbox.getErrorStream(), stderr, false);

        // Generous: CI and developers share two cores with whatever else runs.
        readyLine = awaitLine(l -> l.startsWith("READY"), Duration.ofSeconds(180));
        ready = READY.matcher(readyLine);
        if (ready.matches()) {
            String web = ready.group(4);
            runningJob = poll(Duration.ofSeconds(30), () -> {
                JsonNode overview = get(web + "/jobs/overview");
                if (overview == null) {
                    return null;
                }
                for (JsonNode j : overview.path("jobs")) {
                    if ("Ballast".equals(j.path("name").asText()) && "RUNNING".equals(j.path("state").asText())) {
                        return j;
                    }
                }
                return null;
            });
            if (runningJob != null) {
                readMetrics(web, runningJob.path("jid").asText());
            }
        }
        if (!sandbox.waitFor(RUN_SECONDS + 120, TimeUnit.SECONDS)) {
            sandbox.destroyForcibly();
            fail("The sandbox did not stop within " + (RUN_SECONDS + 120) + " s of its READY line");
        }
        exitCode = sandbox.exitValue();
        wallMillis = (System.nanoTime() - start) / 1_000_000;
        Thread.sleep(200); // the output threads drain what is left
        System.out.printf(Locale.ROOT, "Sandbox ran %.1f s (wall, start to exit); console:%n", wallMillis / 1000.0);
        stdout.forEach(l -> System.out.println("  | " + l));
        stderr.forEach(l -> System.out.println("  ! " + l));
    }

    /**
     * Ballast's operator metrics (SplitRejected: {@code accepted}, and {@code rejected} in the group
     * {@code reason=<REASON>}), as the web UI serves them: ids {@code <subtask>.<operator>.reason.<REASON>.rejected}.
     */
    private void readMetrics(String web, String jid) throws Exception {
        // The web UI refreshes metrics every 10 s; the run lasts RUN_SECONDS.
        poll(Duration.ofSeconds(RUN_SECONDS + 10), () -> {
            if (!sandbox.isAlive()) {
                return Boolean.FALSE;
            }
            JsonNode job = get(web + "/jobs/" + jid);
            if (job == null) {
                return null;
            }
            List<String> ids = new ArrayList<>();
            double accepted = 0;
            for (JsonNode v : job.path("vertices")) {
                String vid = v.path("id").asText();
                JsonNode metrics = get(web + "/jobs/" + jid + "/vertices/" + vid + "/metrics");
                if (metrics == null) {
                    continue;
                }
                for (JsonNode m : metrics) {
                    ids.add(m.path("id").asText());
                }
                if (v.path("name").asText().contains("validate quotes")) {
                    JsonNode sum = get(web + "/jobs/" + jid + "/vertices/" + vid
                            + "/subtasks/metrics?get=validate_quotes.accepted&agg=sum");
                    if (sum != null && sum.size() > 0) {
                        accepted = sum.get(0).path("sum").asDouble();
                    }
                }
            }
            boolean complete = ids.stream().anyMatch(i -> i.endsWith(".validate_quotes.accepted"))
                    && ids.stream().anyMatch(i -> i.contains(".reason.") && i.endsWith(".rejected")) && accepted > 0;
            if (!complete) {
                return null;
            }
            metricIds.clear();
            metricIds.addAll(ids);
            quotesAccepted = accepted;
            return Boolean.TRUE;
        });
    }

    @AfterAll
    void stopIfStillRunning() {
        if (sandbox != null && sandbox.isAlive()) {
            sandbox.destroy();
        }
    }

    @Test
    void printsExactlyOneReadyLineWithItsAddresses() {
        assertThat(stdout.stream().filter(l -> l.startsWith("READY")).count()).isEqualTo(1);
        assertThat(readyLine).matches(READY);
    }

    @Test
    void webUiShowsTheRunningJobAndBallastsOwnMetrics() {
        assertThat(runningJob).as("/jobs/overview lists the job 'Ballast' as RUNNING while the sandbox runs")
                .isNotNull();
        assertThat(metricIds).as("Ballast's counters on its validate operators")
                .anyMatch(id -> id.endsWith(".validate_quotes.accepted"))
                .anyMatch(id -> id.endsWith(".validate_trades.accepted"))
                .anyMatch(id -> id.endsWith(".validate_quotes.reason.INVALID_FIELD.rejected"));
        assertThat(quotesAccepted).as("quotes accepted by Ballast while the market simulator runs").isPositive();
    }

    @Test
    void stopsCleanlyLeavingNothingBehind() throws Exception {
        assertThat(exitCode).as("exit code").isZero();
        assertThat(stderr).as("stderr").isEmpty();
        assertThat(stdout).as("no stack trace, no log line on the console")
                .noneMatch(l -> l.contains("Exception") || l.startsWith("\tat ") || l.matches(".*\\b(WARN|ERROR)\\b.*"));
        // Start-up lines, READY, a live line every 2 s, the summary: nothing else.
        assertThat(stdout.size()).isLessThan(6 + RUN_SECONDS / 2 + 3 + PROVIDERS + 4);
        String marker = "-D" + Sandbox.RUN_MARKER_PROPERTY + "=" + out;
        List<String> left = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                .toList();
        assertThat(left).as("processes the sandbox started").isEmpty();
        assertThat(ready.matches()).isTrue();
        for (int group : new int[] {1, 3, 5}) {
            assertThat(Ports.isListening(Integer.parseInt(ready.group(group))))
                    .as("port " + ready.group(group) + " after exit").isFalse();
        }
        assertThat(wallMillis).as("start to exit").isLessThan((RUN_SECONDS + 150) * 1000L);
    }

    @Test
    void writesAReportWithItsCharts() throws IOException {
        String reportLine = stdout.stream().filter(l -> l.startsWith("REPORT ")).findFirst().orElse(null);
        assertThat(reportLine).as("the REPORT line").isNotNull();
        Path report = Path.of(reportLine.substring("REPORT ".length()));
        assertThat(report).exists().isEqualTo(out.resolve("report.html"));
        String html = Files.readString(report);
        assertThat(html).contains("Chart.js v4").contains("new Chart(").doesNotContain("<script src=");
        assertThat(count(html, "data-chart=\"delta\"")).as("a delta chart per provider and underlying")
                .isEqualTo(PROVIDERS * UNDERLYINGS);
        for (int p = 1; p <= PROVIDERS; p++) {
            assertThat(html).contains("id=\"provider-mm" + p + "\"");
        }
        assertThat(count(html, "data-chart=\"skew\"")).as("an atmVol/rr25 chart per underlying").isEqualTo(UNDERLYINGS);
        assertThat(html).contains("id=\"underlying-BTC\"", "id=\"underlying-ETH\"");
        // Every book has gamma and vega limits: |dollar gamma| and |vega| against them, and risk by expiry.
        assertThat(count(html, "data-chart=\"greeks\"")).as("a gamma/vega chart per provider and underlying")
                .isEqualTo(PROVIDERS * UNDERLYINGS);
        assertThat(count(html, "data-chart=\"expiry\"")).as("a by-expiry chart per provider and underlying")
                .isEqualTo(PROVIDERS * UNDERLYINGS);
        String open = "<script type=\"application/json\" id=\"ballast-data\">";
        int from = html.indexOf(open) + open.length();
        JsonNode keys = JSON.readTree(html.substring(from, html.indexOf("</script>", from))).path("keys");
        int markers = 0;
        int expiries = 0;
        for (String u : List.of("BTC", "ETH")) {
            JsonNode k = keys.path("mm1/" + u);
            assertThat(k.path("gammaLimit").asDouble()).as("mm1/" + u + " gamma limit in the chart data").isPositive();
            assertThat(k.path("greeks").path("dollarGamma").size()).as("mm1/" + u + " dollar gamma series").isPositive();
            markers += k.path("optionHedges").size();
            expiries += k.path("byExpiry").size();
        }
        assertThat(markers).as("option hedges of mm1 marked on its gamma/vega charts").isPositive();
        assertThat(expiries).as("mm1's option risk by expiry at the end").isPositive();
        assertThat(out.resolve("summary.json")).exists();
    }

    @Test
    void theOptionHedgingProviderHedgesWithOptionsAndTheRouterFillsThem() throws IOException {
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        JsonNode byType = summary.path("signalsByType");
        System.out.printf(Locale.ROOT, "Option hedges: GAMMA_HEDGE %d, VEGA_HEDGE %d; alarms GAMMA_LIMIT %d, VEGA_LIMIT %d%n",
                byType.path("GAMMA_HEDGE").asLong(), byType.path("VEGA_HEDGE").asLong(),
                byType.path("GAMMA_LIMIT").asLong(), byType.path("VEGA_LIMIT").asLong());
        for (JsonNode p : summary.path("providers")) {
            String provider = p.path("provider").asText();
            long signalled = p.path("optionHedgeSignals").asLong();
            long filled = p.path("optionHedgeFills").asLong();
            System.out.printf(Locale.ROOT, "  %s: option hedges %d (filled %d)%n", provider, signalled, filled);
            if (provider.equals("mm1")) {
                assertThat(signalled).as("GAMMA_HEDGE / VEGA_HEDGE signalled for mm1").isPositive();
                assertThat(filled).as("mm1's option hedges filled by the router").isPositive();
            } else {
                assertThat(signalled).as(provider + " has the option hedge off").isZero();
            }
        }
        // The live line shows the greeks against their limits and counts the option hedges.
        assertThat(stdout).as("live lines with dollar gamma, vega and option hedge counts")
                .anyMatch(l -> l.startsWith("[") && l.contains("G$ ") && l.contains(" V ")
                        && l.contains(" ghedge ") && l.contains(" vhedge "));
    }

    @Test
    void theCoinVenueRunsItsRecordsAreAcceptedAndMm2HedgesOnTheInversePerpetualInWholeContracts() throws IOException {
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        JsonNode coin = summary.path("coinVenue");
        System.out.println("Coin venue: " + coin);
        assertThat(coin.path("venue").asText()).isEqualTo("DERIBIT-SIM");
        assertThat(coin.path("quotesSent").asLong()).as("coin-quoted option and inverse perpetual quotes sent").isPositive();
        assertThat(coin.path("optionFillsSent").asLong()).as("providers' fills of coin-quoted options").isPositive();
        assertThat(coin.path("inverseFillsSent").asLong()).as("providers' fills of inverse perpetuals").isPositive();
        // Every record the simulators sent, those of the coin venue included, was accepted: none rejected.
        assertThat(summary.path("counts").path("rejectedRecords").asLong()).as("rejected records").isZero();
        assertThat(summary.path("rejectedByReason").size()).isZero();

        JsonNode hedges = coin.path("inverseHedges");
        List<String> hedgers = new ArrayList<>();
        hedges.fieldNames().forEachRemaining(hedgers::add);
        assertThat(hedgers).as("providers with DELTA_HEDGEs on an inverse instrument").containsExactly("mm2");
        JsonNode mm2 = hedges.path("mm2");
        long signals = mm2.path("signals").asLong();
        assertThat(signals).as("mm2's DELTA_HEDGEs on the inverse perpetual").isPositive();
        assertThat(mm2.path("wholeContractSignals").asLong()).as("of them in whole contracts").isEqualTo(signals);
        assertThat(mm2.path("filled").asLong()).as("filled by the router").isPositive().isLessThanOrEqualTo(signals);
        List<String> instruments = new ArrayList<>();
        mm2.path("instruments").forEach(i -> instruments.add(i.asText()));
        assertThat(instruments).isNotEmpty().isSubsetOf("BTC-PERPETUAL", "ETH-PERPETUAL");

        assertThat(stdout).as("live lines with the coin venue's counts")
                .anyMatch(l -> l.startsWith("[") && l.contains(" DERIBIT-SIM quotes ") && l.contains(" ihedges "));
        assertThat(stdout).as("the summary's coin venue line")
                .anyMatch(l -> l.startsWith("  DERIBIT-SIM coin venue: ") && l.contains("mm2 " + signals + " (whole contracts "
                        + signals));
        String html = Files.readString(out.resolve("report.html"));
        assertThat(html).as("the report names the coin venue").contains("id=\"coin-venue\"", "DERIBIT-SIM coin venue");
    }

    @Test
    void portfolioRiskArrivesForEachProviderAndTheReportHasItsSection() throws IOException {
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        JsonNode portfolio = summary.path("portfolio");
        System.out.println("Portfolio at the end: " + portfolio + "; the venue's cash accounts: " + summary.path("ledgerCash"));
        assertThat(portfolio).as("portfolio-risk read back, per provider").hasSize(PROVIDERS);
        for (JsonNode p : portfolio) {
            assertThat(p.path("records").asLong()).as(p.path("provider").asText() + " portfolio-risk records")
                    .isPositive();
            // The USDC account as the simulated venue last published it (150,000 at start, moved by every fill's
            // premium, realized P&L and fee), plus a coin worth 200,000 USD at start, valued at the market's price
            // (which moves by a few percent in a run).
            JsonNode cash = summary.path("ledgerCash").path(p.path("provider").asText());
            assertThat(cash.isNumber()).as(p.path("provider").asText() + " cash account in summary.json").isTrue();
            assertThat(p.path("collateralValue").asDouble() - cash.asDouble())
                    .as(p.path("provider").asText() + " collateral value less its cash").isBetween(170_000.0, 230_000.0);
            // With the premiums in cash, equity stays near the 350,000 it starts at: without them a provider that
            // sells options loses their value from its equity (about -220,000 after 60 s for mm1).
            assertThat(p.path("equity").asDouble()).as(p.path("provider").asText() + " equity")
                    .isBetween(200_000.0, 500_000.0);
            assertThat(p.path("margin").asDouble()).as(p.path("provider").asText() + " margin").isPositive();
        }
        String html = Files.readString(out.resolve("report.html"));
        for (int p = 1; p <= PROVIDERS; p++) {
            assertThat(html).contains("id=\"portfolio-mm" + p + "\"");
        }
        assertThat(count(html, "data-portfolio-chart=\"equity\"")).isEqualTo(PROVIDERS);
        assertThat(count(html, "data-portfolio-chart=\"explain\"")).isEqualTo(PROVIDERS);
        assertThat(count(html, "<table class=\"stress-grid\">")).as("a final stress grid per provider")
                .isEqualTo(PROVIDERS);
        assertThat(stdout.stream().filter(l -> l.startsWith("[")).reduce((a, b) -> b).orElse(""))
                .as("the last live line shows each provider's portfolio").contains("mm1 eq ").contains(" mu ")
                .contains(" liq ");
    }

    @Test
    void theSimulatorsWriteOnlyRecordsBallastAccepts() throws IOException {
        JsonNode counts = JSON.readTree(out.resolve("summary.json").toFile()).path("counts");
        assertThat(counts.path("quotesSent").asLong()).isGreaterThan(100L * RUN_SECONDS);
        assertThat(counts.path("fillsSent").asLong()).isPositive();
        assertThat(counts.path("rejectedRecords").asLong()).as("records on the rejected topic").isZero();
    }

    @Test
    void eachProvidersDeltaStaysInsideItsBandMostOfTheRun() throws IOException {
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        JsonNode counts = summary.path("counts");
        System.out.printf(Locale.ROOT, "Ballast wrote %d inventory-risk, %d rebalance-signals, %d vol-skew records; "
                        + "router: %d hedge fills%n", counts.path("riskRecords").asLong(),
                counts.path("signalRecords").asLong(), counts.path("skewRecords").asLong(),
                counts.path("hedgeFillsSent").asLong());
        if (summary.path("noInventoryRisk").asBoolean() || counts.path("riskRecords").asLong() == 0) {
            fail("no inventory-risk output: the Ballast job wrote no RiskSnapshot to inventory-risk during the "
                    + RUN_SECONDS + " s run, so no provider's delta can be judged against its band");
        }
        List<String> outside = new ArrayList<>();
        for (JsonNode p : summary.path("providers")) {
            String provider = p.path("provider").asText();
            JsonNode share = p.path("insideShare");
            System.out.printf(Locale.ROOT, "  %s: |delta| inside its band %s of the run, %d hedges%n", provider,
                    share.isNumber() ? String.format(Locale.ROOT, "%.1f%%", 100 * share.asDouble()) : "n/a",
                    p.path("hedgeSignals").asLong());
            if (!share.isNumber() || share.asDouble() < INSIDE_BAND_AT_LEAST) {
                outside.add(provider + " (" + (share.isNumber() ? String.format(Locale.ROOT, "%.1f%%",
                        100 * share.asDouble()) : "no inventory-risk record") + ")");
            }
        }
        assertThat(summary.path("providers")).hasSize(PROVIDERS);
        assertThat(outside).as("providers whose |delta| was inside the band less than "
                + (int) (100 * INSIDE_BAND_AT_LEAST) + "% of the run").isEmpty();
    }

    // ------------------------------------------------------------------------------------------- helpers

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private void collect(InputStream in, List<String> lines, boolean daemonName) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // The process is gone.
            }
        }, daemonName ? "sandbox-stdout" : "sandbox-stderr");
        t.setDaemon(true);
        t.start();
    }

    private String awaitLine(java.util.function.Predicate<String> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String l : stdout) {
                if (match.test(l)) {
                    return l;
                }
            }
            if (!sandbox.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        fail("No READY line within " + timeout.toSeconds() + " s; stdout: " + stdout + "; stderr: " + stderr);
        return null;
    }

    @FunctionalInterface
    private interface Attempt<T> {
        T call() throws Exception;
    }

    /** Retries until the attempt answers non-null, or the time is up (then null). */
    private static <T> T poll(Duration timeout, Attempt<T> attempt) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T answer = attempt.call();
            if (answer != null || System.nanoTime() > deadline) {
                return answer;
            }
            Thread.sleep(500);
        }
    }

    private JsonNode get(String url) throws InterruptedException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
