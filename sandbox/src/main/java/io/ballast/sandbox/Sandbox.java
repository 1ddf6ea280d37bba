package io.ballast.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ballast.avro.Collateral;
import io.ballast.avro.InstrumentKind;
import io.ballast.avro.Quote;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.Trade;
import io.ballast.config.BallastConfig;
import io.ballast.config.CommandLine;
import io.ballast.config.ConfigException;
import io.ballast.registry.RegistryConfig;
import io.ballast.sandbox.SandboxOptions.Settings;
import io.ballast.sandbox.market.CoinVenue;
import io.ballast.sandbox.market.CollateralLedger;
import io.ballast.sandbox.market.CollateralPlan;
import io.ballast.sandbox.market.Listing;
import io.ballast.sandbox.market.MarketSimulator;
import io.ballast.sandbox.market.RiskLimitsPlan;
import io.ballast.sandbox.market.UnderlyingSpec;
import io.ballast.sandbox.monitor.OutputMonitor;
import io.ballast.sandbox.monitor.RunData;
import io.ballast.sandbox.monitor.RunRecorder;
import io.ballast.sandbox.report.HtmlReport;
import io.ballast.sandbox.report.LiveLine;
import io.ballast.sandbox.report.PortfolioReport;
import io.ballast.sandbox.report.RunSummary;
import io.ballast.sandbox.router.RouterSimulator;
import io.ballast.testkit.AvroWriter;
import io.ballast.testkit.BallastTopics;
import io.ballast.testkit.Console;
import io.ballast.testkit.Dirs;
import io.ballast.testkit.JobRunner;
import io.ballast.testkit.KafkaBroker;
import io.ballast.testkit.Ports;
import io.ballast.testkit.RegistryServer;
import org.apache.flink.api.common.JobStatus;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static io.ballast.testkit.Console.say;

/**
 * Ballast on a simulated market, on this machine, in one command: a Kafka broker (KRaft, in this JVM),
 * the Apicurio schema registry (a child JVM that cannot outlive this one), the topics, the Ballast job
 * in a Flink MiniCluster with its web UI, a market simulator and a router simulator; all on 127.0.0.1.
 *
 * <p>Prints a few start-up lines, then exactly one {@code READY bootstrap=... registry=... web=...} line,
 * then a live line every two seconds. At the end ({@code --duration}, Ctrl-C or SIGTERM) it stops
 * everything it started, writes an HTML report and a JSON summary, and prints the summary and the
 * report's path. The console gets nothing else: logs go to {@code sandbox.log} in the output directory.
 */
public final class Sandbox {

    /** Set to the log file before logging starts; read by the sandbox's log4j2 configuration. */
    static final String LOG_PROPERTY = "ballast.sandbox.log";
    /** Marks the sandbox's child processes, so that a test can check none is left behind. */
    public static final String RUN_MARKER_PROPERTY = "ballast.sandbox.run";

    private static final String QUIET_LOGGING = "ballast-sandbox-quiet-log4j2.xml";
    private static final String LOGGING = "ballast-sandbox-log4j2.xml";
    private static final long LIVE_LINE_MILLIS = 2_000;
    private static final long PRICE_SAMPLE_TICKS = 5;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Settings settings;
    private final Path outDir;
    private final Path scratch;
    private final Path jarDir;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean inShutdownHook;
    private Logger log;

    private RegistryServer registry;
    private KafkaBroker broker;
    private JobRunner job;
    private Producer<byte[], byte[]> producer;
    private OutputMonitor monitor;
    private RouterSimulator router;
    /** The simulated venue's cash accounts, and where their balances go (set up with the simulator only). */
    private volatile CollateralLedger ledger;
    private AvroWriter<Collateral> collateral;
    private ScheduledExecutorService marketClock;
    private ScheduledExecutorService liveClock;
    private RunRecorder recorder;
    private String readyLine;

    private Sandbox(Settings settings, Path jarDir, Path outDir, Path scratch) {
        this.settings = settings;
        this.jarDir = jarDir;
        this.outDir = outDir;
        this.scratch = scratch;
    }

    public static void main(String[] args) {
        // Until the log file is known, log nothing (the console is the person's).
        System.setProperty("log4j2.configurationFile", QUIET_LOGGING);
        SandboxOptions.CommandLineResult commandLine = SandboxOptions.commandLine(args, System.out, System.err,
                System::getenv);
        if (commandLine.settings() == null) {
            if (commandLine.status() != 0) {
                System.exit(commandLine.status());
            }
            return;
        }
        Settings settings = commandLine.settings();
        Sandbox sandbox;
        try {
            sandbox = prepare(settings);
        } catch (SandboxException | UncheckedIOException e) {
            CommandLine.report(SandboxOptions.PROGRAM, e, commandLine.debug(), System.err);
            System.exit(1);
            return;
        }
        int code = sandbox.run();
        if (!sandbox.inShutdownHook) {
            System.exit(code);
        }
    }

    /**
     * Directories and logging, before anything else runs: the output directory (report, summary, logs),
     * and a private scratch directory (Kafka's log, checkpoints, every temporary file of Flink, RocksDB and
     * the registry) that is deleted at the end. Scratch directories left by a killed sandbox are removed.
     */
    private static Sandbox prepare(Settings settings) {
        Path jarDir = jarDirectory();
        Path outDir = settings.out() != null ? settings.out().toAbsolutePath()
                : (jarDir != null ? jarDir : Path.of("").toAbsolutePath()).resolve("sandbox-runs")
                .resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
        Path systemTmp = Path.of(System.getProperty("java.io.tmpdir"));
        try {
            Files.createDirectories(outDir);
            removeStaleScratch(systemTmp);
            Path scratch = Files.createTempDirectory(systemTmp, scratchPrefix(ProcessHandle.current().pid()));
            Path tmp = Files.createDirectories(scratch.resolve("tmp"));
            System.setProperty(LOG_PROPERTY, outDir.resolve("sandbox.log").toString());
            // The Flink web UI shows this file under "Job Manager > Logs".
            System.setProperty("log.file", outDir.resolve("sandbox.log").toString());
            // Flink, RocksDB and Kafka put their temporary files here: gone with the scratch directory.
            System.setProperty("java.io.tmpdir", tmp.toString());
            System.setProperty("log4j2.configurationFile", LOGGING);
            Configurator.reconfigure(Sandbox.class.getClassLoader().getResource(LOGGING).toURI());
            return new Sandbox(settings, jarDir, outDir, scratch);
        } catch (IOException | URISyntaxException e) {
            throw new SandboxException("Cannot create the sandbox's directories under " + outDir + " and "
                    + systemTmp + ": " + e.getMessage(), e);
        }
    }

    private static String scratchPrefix(long pid) {
        return "ballast-sandbox-" + pid + "-";
    }

    private static void removeStaleScratch(Path systemTmp) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(systemTmp, "ballast-sandbox-*-*")) {
            for (Path d : dirs) {
                String[] parts = d.getFileName().toString().split("-");
                if (parts.length < 3 || !parts[2].chars().allMatch(Character::isDigit) || parts[2].isEmpty()) {
                    continue;
                }
                long pid = Long.parseLong(parts[2]);
                if (ProcessHandle.of(pid).isEmpty()) {
                    Dirs.deleteTree(d);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Best effort: a stale directory only costs disk space.
        }
    }

    /** The directory of the sandbox jar (or of target/classes' parent when run from an IDE), or null. */
    private static Path jarDirectory() {
        try {
            var source = Sandbox.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return null;
            }
            Path location = Path.of(source.getLocation().toURI());
            // A jar's directory is target/; so is the parent of target/classes.
            return location.getParent();
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------------------------------- run

    private int run() {
        log = LoggerFactory.getLogger(Sandbox.class);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            inShutdownHook = true;
            stopRequested.countDown();
            try {
                finished.await(90, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sandbox-shutdown"));
        say(String.format(Locale.ROOT, "Ballast sandbox: %s; output in %s", describe(), outDir));
        try {
            start();
        } catch (Exception e) {
            log.error("Start-up failed", e);
            // The sandbox's and the kit's own failures say what happened; anything else is named by its type.
            String message = e instanceof SandboxException || e instanceof IllegalStateException
                    || e instanceof IllegalArgumentException ? e.getMessage() : e.toString();
            System.err.println("sandbox: " + message);
            System.err.println("sandbox: log in " + outDir.resolve("sandbox.log"));
            teardown();
            finished.countDown();
            return 1;
        }
        say(readyLine);
        long readyAt = System.currentTimeMillis();
        liveClock = daemonScheduler("sandbox-live-line");
        liveClock.scheduleAtFixedRate(() -> {
            try {
                JobStatus status = job.status();
                // While stopping, the job's status is unknown for a moment (null): not worth a word.
                say(LiveLine.format(recorder.live(), System.currentTimeMillis() - readyAt, settings.simulator(),
                        status == null || status == JobStatus.RUNNING ? null : String.valueOf(status)));
            } catch (RuntimeException e) {
                log.warn("Live line failed", e); // and the next one is tried all the same
            }
        }, LIVE_LINE_MILLIS, LIVE_LINE_MILLIS, TimeUnit.MILLISECONDS);
        try {
            if (settings.duration().isZero()) {
                stopRequested.await();
            } else if (!stopRequested.await(settings.duration().toMillis(), TimeUnit.MILLISECONDS)) {
                log.info("Duration {} reached", settings.duration());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int code = 0;
        try {
            code = finish();
        } catch (RuntimeException e) {
            log.error("Stopping failed", e);
            System.err.println("sandbox: stopping failed: " + e + " (log: " + outDir.resolve("sandbox.log") + ")");
            teardown();
            code = 1;
        } finally {
            finished.countDown();
        }
        return code;
    }

    private String describe() {
        String duration = settings.duration().isZero() ? "until Ctrl-C" : "for " + settings.duration().toSeconds() + " s";
        if (!settings.simulator()) {
            return "no simulator (broker, registry and job only), " + duration;
        }
        return String.format(Locale.ROOT, "seed %d, %d providers, %s fills/s, %s", settings.seed(),
                settings.providers(), LiveLine.number(settings.rate()), duration);
    }

    private void start() throws IOException {
        long t0 = System.nanoTime();
        int kafkaPort = port(SandboxOptions.KAFKA_PORT.key(), settings.kafkaPort());
        int registryPort = port(SandboxOptions.REGISTRY_PORT.key(), settings.registryPort());
        int webPort = port(SandboxOptions.WEB_PORT.key(), settings.webPort());
        String bootstrap = Ports.HOST + ":" + kafkaPort;
        String registryUrl = "http://" + Ports.HOST + ":" + registryPort + RegistryServer.CONFLUENT_API;
        String checkpoints = scratch.resolve("checkpoints").toUri().toString();
        // The sandbox shows the portfolio stage, off by default in the job (its cost, docs/performance.md).
        Map<String, String> overrides = new java.util.LinkedHashMap<>();
        overrides.put("portfolio.enabled", "true");
        overrides.putAll(settings.jobOverrides());
        List<String> jobArgs = JobRunner.arguments(bootstrap, registryUrl, webPort, checkpoints, overrides);
        BallastConfig jobConfig;
        try {
            jobConfig = BallastConfig.fromArgs(jobArgs);
        } catch (ConfigException e) {
            throw new SandboxException("Job options after --: " + e.getMessage(), e);
        }
        Path apicurio = RegistryServer.locate(jarDir);

        // The registry (a JVM of its own) warms up while the broker and the job start: the job asks the
        // registry nothing before records flow, and none flow before the registry is ready.
        registry = RegistryServer.builder().home(apicurio).port(registryPort).scratch(scratch)
                .log(outDir.resolve("registry.log")).jvmOption("-D" + RUN_MARKER_PROPERTY + "=" + outDir).build();
        registry.launch();
        long t = System.nanoTime();
        broker = KafkaBroker.builder().port(kafkaPort).logDir(scratch.resolve("kafka"))
                .brokerProperty("offsets.topic.num.partitions", 4)
                .brokerProperty("transaction.state.log.num.partitions", 4)
                .closeOnJvmExit(false) // teardown() closes it, after the report (also on Ctrl-C)
                .build();
        broker.start();
        checkNotStopped();
        BallastTopics topics = BallastTopics.of(jobConfig);
        broker.createTopics(topics.forSimulation());
        say(String.format(Locale.ROOT, "  kafka     %s (KRaft, in process), topics %s  %s", bootstrap,
                String.join(" ", topics.all()), since(t)));

        t = System.nanoTime();
        checkNotStopped();
        job = JobRunner.start(jobArgs, Duration.ofSeconds(120));
        say(String.format(Locale.ROOT, "  job       %s %s running in a MiniCluster, web UI %s  %s",
                io.ballast.job.BallastJob.JOB_NAME, job.jobId(), job.webUrl(), since(t)));

        t = System.nanoTime();
        checkNotStopped();
        registry.awaitReady(Duration.ofSeconds(120));
        registry.setCompatibility("BACKWARD");
        say(String.format(Locale.ROOT, "  registry  %s (Apicurio, pid %d, compatibility BACKWARD)  %s",
                registry.url(), registry.pid(), since(t)));

        RegistryConfig registryConfig = RegistryConfig.builder(registryUrl).build();
        producer = AvroWriter.producer(bootstrap, "ballast-sandbox");
        List<String> providers = RiskLimitsPlan.providers(settings.providers());
        List<UnderlyingSpec> underlyings = UnderlyingSpec.DEFAULTS;
        if (settings.simulator()) {
            AvroWriter<RiskLimits> limits = new AvroWriter<>(producer, topics.limits(), RiskLimits.class, registryConfig);
            for (RiskLimits l : RiskLimitsPlan.limits(providers, underlyings,
                    settings.routerFeeBps() + settings.routerSlippageBps(), Instant.now())) {
                limits.send(RiskLimitsPlan.key(l), l);
            }
            collateral = new AvroWriter<>(producer, topics.collateral(), Collateral.class, registryConfig);
            List<Collateral> balances = CollateralPlan.balances(providers, underlyings, Instant.now());
            for (Collateral c : balances) {
                collateral.send(CollateralPlan.key(c), c);
            }
            ledger = new CollateralLedger(balances);
            producer.flush();
        }

        checkNotStopped();
        recorder = new RunRecorder(System.currentTimeMillis());
        monitor = new OutputMonitor(bootstrap, registryConfig, new OutputMonitor.Topics(topics.risk(), topics.signals(),
                topics.skew(), topics.rejected(), topics.limits(), topics.portfolio()), recorder).start();
        if (settings.simulator()) {
            for (String p : providers) {
                for (UnderlyingSpec u : underlyings) {
                    recorder.expect(p, u.name());
                }
            }
            startSimulators(bootstrap, registryConfig, topics, providers, underlyings);
        }
        log.info("Ready after {}", since(t0));
        readyLine = "READY bootstrap=" + bootstrap + " registry=" + registryUrl + " web=" + job.webUrl();
    }

    /** Publishes the provider's cash balance after a fill, as the venue would report it ({@link CollateralLedger}). */
    private void settle(Trade fill) {
        Collateral balance = ledger == null ? null : ledger.apply(fill);
        if (balance != null) {
            collateral.send(CollateralPlan.key(balance), balance);
        }
    }

    /** The port of {@code --option}: checked free, or a free one for 0. */
    private static int port(String option, int port) {
        try {
            return Ports.resolve(option, port);
        } catch (IllegalArgumentException e) {
            throw new SandboxException(e.getMessage(), e);
        }
    }

    /** A Ctrl-C during start-up stops it between two steps. */
    private void checkNotStopped() {
        if (stopRequested.getCount() == 0) {
            throw new SandboxException("stopped during start-up");
        }
    }

    private void startSimulators(String bootstrap, RegistryConfig registryConfig, BallastTopics topics, List<String> providers,
                                 List<UnderlyingSpec> underlyings) {
        AvroWriter<Quote> quotes = new AvroWriter<>(producer, topics.quotes(), Quote.class, registryConfig);
        AvroWriter<Trade> trades = new AvroWriter<>(producer, topics.trades(), Trade.class, registryConfig);
        MarketSimulator market = new MarketSimulator(underlyings, providers, settings.rate(), settings.seed(),
                settings.timeScale(), Instant.now(), true, new MarketSimulator.Output() {
                    @Override
                    public void quote(Quote q) {
                        quotes.send(q.getInstrument().getSymbol(), q);
                        recorder.quoteSent();
                        if (CoinVenue.VENUE.equals(q.getVenue())) {
                            recorder.coinQuoteSent(q.getVenue());
                        }
                    }

                    @Override
                    public void trade(Trade tr) {
                        trades.send(tr.getProviderId(), tr);
                        settle(tr);
                        recorder.fillSent();
                        if (CoinVenue.VENUE.equals(tr.getVenue())) {
                            recorder.coinFillSent(tr.getVenue(), tr.getInstrument().getKind() == InstrumentKind.OPTION);
                        }
                    }
                });
        router = new RouterSimulator(bootstrap, registryConfig, topics.signals(), producer, topics.trades(),
                market.view(), new RouterSimulator.Settings(settings.routerLatencyMillis(), settings.routerSlippageBps(),
                settings.routerFeeBps(), settings.seed() + 1), recorder, this::settle);
        List<Listing> listings = market.listings();
        marketClock = daemonScheduler("sandbox-market");
        marketClock.scheduleAtFixedRate(() -> {
            try {
                long now = System.currentTimeMillis();
                market.tick(now);
                if (market.ticks() % PRICE_SAMPLE_TICKS == 1) {
                    for (Listing l : listings) {
                        var top = market.view().top(l.perpetual().getSymbol());
                        if (top != null) {
                            recorder.price(l.spec().name(), now, top.mid());
                        }
                    }
                }
            } catch (RuntimeException e) {
                log.warn("Market tick failed", e);
            }
        }, 0, MarketSimulator.TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Stops the simulation, writes the report, stops everything, prints the summary. */
    private int finish() {
        say(inShutdownHook ? "stopping (signal received) ..." : "stopping ...");
        if (liveClock != null) {
            liveClock.shutdownNow();
        }
        if (marketClock != null) {
            marketClock.shutdown();
            awaitQuietly(marketClock);
        }
        // The run ends when the market stops; what Ballast writes about it afterwards is still read.
        long end = System.currentTimeMillis();
        if (router != null) {
            // Signals caused by the last fills still reach the router, and its fills the job.
            pause(settings.routerLatencyMillis() + 1_000);
            router.close();
            router = null;
        }
        pause(1_000);
        monitor.close();
        monitor = null;
        RunData data = recorder.data(end);
        RunSummary summary = RunSummary.of(data);
        Path report = outDir.resolve("report.html");
        Path summaryFile = outDir.resolve("summary.json");
        String reportError = null;
        try {
            HtmlReport.write(report, data, summary, parameters());
        } catch (IOException | RuntimeException e) {
            log.error("Cannot write the report", e);
            reportError = e.toString();
        }
        writeSummary(summaryFile, summary, report, data);
        teardown();
        summary.lines(settings.simulator()).forEach(Console::say);
        if (reportError != null) {
            System.err.println("sandbox: cannot write the report: " + reportError);
            return 1;
        }
        say("REPORT " + report);
        return 0;
    }

    private Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        if (settings.simulator()) {
            p.put("seed", Long.toString(settings.seed()));
            p.put("providers", Integer.toString(settings.providers()));
            p.put("fills/s", LiveLine.number(settings.rate()));
            p.put("router latency", settings.routerLatencyMillis() + " ms");
            p.put("slippage", LiveLine.number(settings.routerSlippageBps()) + " bps");
            p.put("fee", LiveLine.number(settings.routerFeeBps()) + " bps");
            if (settings.timeScale() != 1) {
                p.put("time scale", LiveLine.number(settings.timeScale()));
            }
        } else {
            p.put("simulator", "off");
        }
        if (!settings.jobOverrides().isEmpty()) {
            p.put("job options", settings.jobOverrides().toString());
        }
        return p;
    }

    private void writeSummary(Path file, RunSummary summary, Path report, RunData data) {
        ObjectNode root = JSON.createObjectNode();
        root.put("seed", settings.seed());
        root.put("simulator", settings.simulator());
        root.put("providersRequested", settings.providers());
        root.put("rate", settings.rate());
        root.put("durationMillis", summary.durationMillis());
        root.put("ready", readyLine);
        root.put("report", report.toString());
        root.put("noInventoryRisk", summary.counts().riskRecords() == 0);
        root.set("counts", JSON.valueToTree(summary.counts()));
        root.set("signalsByType", JSON.valueToTree(summary.signalsByType()));
        root.set("rejectedByReason", JSON.valueToTree(summary.rejectedByReason()));
        root.set("providers", JSON.valueToTree(summary.providers()));
        root.set("portfolio", JSON.valueToTree(PortfolioReport.summary(data)));
        root.set("coinVenue", JSON.valueToTree(data.coinVenue()));
        if (ledger != null) {
            root.set("ledgerCash", JSON.valueToTree(ledger.balances()));
        }
        try {
            Files.writeString(file, JSON.writeValueAsString(root));
        } catch (IOException e) {
            log.error("Cannot write {}", file, e);
        }
    }

    /** Stops whatever was started, in reverse order; safe to call more than once. */
    private synchronized void teardown() {
        if (liveClock != null) {
            liveClock.shutdownNow();
        }
        if (marketClock != null) {
            marketClock.shutdownNow();
        }
        close("router", router);
        router = null;
        close("output monitor", monitor);
        monitor = null;
        close("job", job);
        job = null;
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.warn("Closing the producer failed", e);
            }
            producer = null;
        }
        close("kafka", broker);
        broker = null;
        close("registry", registry);
        registry = null;
        Dirs.deleteTree(scratch);
    }

    private void close(String what, AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            log.warn("Stopping the {} failed", what, e);
        }
    }

    // ------------------------------------------------------------------------------------------- helpers

    private static ScheduledExecutorService daemonScheduler(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    private static void awaitQuietly(ScheduledExecutorService s) {
        try {
            s.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String since(long nanoTime) {
        return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - nanoTime) / 1e9);
    }
}
