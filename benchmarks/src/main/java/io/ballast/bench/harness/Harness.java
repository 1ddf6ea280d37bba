package io.ballast.bench.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.avro.Instrument;
import io.ballast.avro.Quote;
import io.ballast.avro.RebalanceSignal;
import io.ballast.avro.RiskLimits;
import io.ballast.avro.Side;
import io.ballast.avro.Trade;
import io.ballast.config.BallastConfig;
import io.ballast.config.CommandLine;
import io.ballast.job.BallastJob;
import io.ballast.job.Inputs;
import io.ballast.registry.ConfluentAvroDecoder;
import io.ballast.registry.ConfluentRegistryClient;
import io.ballast.registry.RegistryConfig;
import io.ballast.sandbox.market.Listing;
import io.ballast.sandbox.market.MarketSimulator;
import io.ballast.sandbox.market.RiskLimitsPlan;
import io.ballast.sandbox.market.UnderlyingSpec;
import io.ballast.sandbox.monitor.OutputMonitor;
import io.ballast.testkit.AvroWriter;
import io.ballast.testkit.BallastTopics;
import io.ballast.testkit.Dirs;
import io.ballast.testkit.JobRunner;
import io.ballast.testkit.KafkaBroker;
import io.ballast.testkit.Ports;
import io.ballast.testkit.RegistryServer;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.logging.log4j.core.config.Configurator;

import java.io.IOException;
import java.lang.management.ManagementFactory;




import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static io.ballast.testkit.Console.say;

/**
 * Throughput and latency harness (issue 7 item 4), one command, outside the unit tests. Starts the test
 * kit's Kafka broker (in this JVM) and registry (a child JVM) once, then:
 * <ol>
 *   <li><b>throughput</b>: preloads {@code --events} simulated records (quotes, some fills, the limits)
 *   and runs, each in its own MiniCluster, (a) a job that only reads, decodes and validates them
 *   ({@link Inputs#fromKafka} into discarding sinks) and (b) the full Ballast job with its Kafka sinks,
 *   both with bounded sources ({@code --source.bounded}); records/s, CPU seconds of this JVM, ratio b/a;</li>
 *   <li><b>latency</b>: the full job (unbounded, at-least-once) while the simulator sends quotes at a fixed
 *   rate; the job's own {@code quoteToSignalLatencyMicros} histogram, and end to end (input event time to
 *   the signal read back from Kafka);</li>
 *   <li><b>checkpoint</b>: one fill for each of {@code --keys} provider/underlying keys, then the size and
 *   duration of the job's checkpoints (RocksDB, incremental) from the REST API.</li>
 * </ol>
 * Results on the console and in {@code results.json} in the output directory. Runs on the sandbox's
 * classpath (its jar, its {@code lib/} and {@code apicurio/}) with the benchmarks' jar:
 * {@value #COMMAND}.
 */
public final class Harness {

    static final String COMMAND = "java -cp benchmarks/target/ballast-benchmarks-0.1.0.jar:sandbox/target/ballast-sandbox.jar "
            + "io.ballast.bench.harness.Harness";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PROVIDERS = 20;

    private final Map<String, String> opts;
    private final Path out;
    private final Path scratch;
    private final Map<String, Object> results = new LinkedHashMap<>();
    private KafkaBroker broker;
    private RegistryServer registry;
    private String bootstrap;
    private String registryUrl;
    private RegistryConfig registryConfig;
    private Producer<byte[], byte[]> producer;
    private int runs;

    private Harness(Map<String, String> opts, Path out, Path scratch) {
        this.opts = opts;
        this.out = out;
        this.scratch = scratch;
    }

    public static void main(String[] args) throws Exception {
        // Until the log file is known, log nothing (the console is the person's: help, or one line).
        System.setProperty("log4j2.configurationFile", "ballast-sandbox-quiet-log4j2.xml");
        HarnessOptions.Result commandLine = HarnessOptions.commandLine(args, System.out, System.err, System::getenv);
        if (commandLine.options() == null) {
            if (commandLine.status() != 0) {
                System.exit(commandLine.status());
            }
            return;
        }
        Map<String, String> opts = commandLine.options();
        Path jarDir = directoryOf(Harness.class);
        Path out = opts.get("out").isEmpty()
                ? jarDir.resolve("bench-runs").resolve(ZonedDateTime.now(ZoneOffset.UTC).toLocalDateTime()
                .withNano(0).toString().replace(":", ""))
                : Path.of(opts.get("out")).toAbsolutePath();
        Files.createDirectories(out);
        Path scratch = Files.createTempDirectory("ballast-bench-");
        System.setProperty("ballast.sandbox.log", out.resolve("bench.log").toString());
        System.setProperty("log.file", out.resolve("bench.log").toString());
        System.setProperty("java.io.tmpdir", Files.createDirectories(scratch.resolve("tmp")).toString());
        System.setProperty("log4j2.configurationFile", "ballast-sandbox-log4j2.xml");
        Configurator.reconfigure(Harness.class.getClassLoader().getResource("ballast-sandbox-log4j2.xml").toURI());
        Harness h = new Harness(opts, out, scratch);
        int code = 0;
        try {
            h.run();
        } catch (Throwable e) {
            if (e instanceof io.ballast.config.ConfigException) {
                CommandLine.report(HarnessOptions.PROGRAM, e, commandLine.debug(), System.err);
            } else {
                e.printStackTrace();
            }
            code = 1;
        } finally {
            h.close();
            Dirs.deleteTree(scratch);
        }
        System.exit(code);
    }

    /** The directory of the jar (or classes directory) {@code c} comes from. */
    private static Path directoryOf(Class<?> c) throws java.net.URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
    }

    private void run() throws Exception {
        say("Ballast harness " + Instant.now() + ", " + Runtime.getRuntime().availableProcessors() + " cores, load "
                + String.format(Locale.ROOT, "%.1f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage())
                + ", options " + opts + "; output in " + out);
        results.put("date", Instant.now().toString());
        results.put("cores", Runtime.getRuntime().availableProcessors());
        results.put("loadAverageAtStart", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        results.put("options", opts);
        // The registry the sandbox's build unpacked: apicurio/ beside the sandbox's lib/, where the kit's jar is.
        registry = RegistryServer.builder().home(RegistryServer.locate(directoryOf(RegistryServer.class)))
                .scratch(scratch).log(out.resolve("registry.log")).build();
        registry.launch();
        broker = KafkaBroker.builder().logDir(scratch.resolve("kafka"))
                .brokerProperty("offsets.topic.num.partitions", 4)
                .brokerProperty("transaction.state.log.num.partitions", 4)
                .build();
        broker.start();
        bootstrap = broker.bootstrapServers();
        registry.awaitReady(Duration.ofSeconds(180));
        registry.setCompatibility("BACKWARD");
        registryUrl = registry.url();
        registryConfig = RegistryConfig.builder(registryUrl).build();
        producer = AvroWriter.producer(bootstrap, "ballast-bench");
        say("kafka " + bootstrap + ", registry " + registryUrl);

        List<String> phases = Arrays.asList(opts.get("phases").split(","));
        double maxQuoteRate = 0;
        if (phases.contains("throughput")) {
            maxQuoteRate = throughput();
        }
        if (phases.contains("latency")) {
            latency(maxQuoteRate);
        }
        if (phases.contains("checkpoint")) {
            checkpoint();
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(out.resolve("results.json").toFile(), results);
        say("RESULTS " + out.resolve("results.json"));
    }

    // ------------------------------------------------------------------------------ throughput

    /** @return the full job's quote rate (quotes/s) */
    private double throughput() throws Exception {
        BallastTopics t = createTopics("tp");
        long events = Long.parseLong(opts.get("events"));
        long t0 = System.nanoTime();
        long[] counts = preload(t, events);
        say(String.format(Locale.ROOT, "preloaded %,d quotes, %,d fills, %,d limits in %.1f s", counts[0], counts[1],
                counts[2], (System.nanoTime() - t0) / 1e9));
        long total = counts[0] + counts[1] + counts[2];

        // First a warm-up pair, not counted: the first run in a fresh JVM is mostly class loading and JIT
        // compilation (a's first run took 2-3 times as long as its next ones), and b would profit from the
        // code a had compiled. Then a and b alternately, --repeat times: on a shared machine one pair can
        // land in a burst of someone else's load; the medians of the alternating runs are reported.
        int repeat = Integer.parseInt(opts.get("repeat"));
        say("  warm-up pair (not counted):");
        Map<String, String> compare = keyValues(opts.get("compare"));
        Map<String, Object> warmA = bounded("a-read-decode", t, true, total, Map.of());
        Map<String, Object> warmB = bounded("b-full-job", t, false, total, Map.of());
        Map<String, Object> warmC = compare.isEmpty() ? null : bounded("c-compared", t, false, total, compare);
        List<Map<String, Object>> as = new ArrayList<>();
        List<Map<String, Object>> bs = new ArrayList<>();
        List<Map<String, Object>> cs = new ArrayList<>();
        List<Double> pairRatios = new ArrayList<>();
        List<Double> cbRatios = new ArrayList<>();
        List<Double> cbCpuRatios = new ArrayList<>();
        List<Double> cbCpuWithoutJitRatios = new ArrayList<>();
        for (int i = 0; i < repeat; i++) {
            // c before b every other time: neither always runs right after the other's garbage.
            boolean cFirst = !compare.isEmpty() && i % 2 == 1;
            as.add(bounded("a-read-decode", t, true, total, Map.of()));
            if (cFirst) {
                cs.add(bounded("c-compared", t, false, total, compare));
            }
            bs.add(bounded("b-full-job", t, false, total, Map.of()));
            if (!compare.isEmpty() && !cFirst) {
                cs.add(bounded("c-compared", t, false, total, compare));
            }
            pairRatios.add((double) bs.get(i).get("recordsPerSecond") / (double) as.get(i).get("recordsPerSecond"));
            if (!compare.isEmpty()) {
                cbRatios.add((double) cs.get(i).get("recordsPerSecond") / (double) bs.get(i).get("recordsPerSecond"));
                cbCpuRatios.add((double) cs.get(i).get("cpuSeconds") / (double) bs.get(i).get("cpuSeconds"));
                cbCpuWithoutJitRatios.add(cpuWithoutJit(cs.get(i)) / cpuWithoutJit(bs.get(i)));
            }
        }
        Map<String, Object> a = medianRun(as);
        Map<String, Object> b = medianRun(bs);
        double ratio = (double) b.get("recordsPerSecond") / (double) a.get("recordsPerSecond");
        double cpuRatio = (double) b.get("cpuSeconds") / (double) a.get("cpuSeconds");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("quotes", counts[0]);
        r.put("fills", counts[1]);
        r.put("limits", counts[2]);
        r.put("repeat", repeat);
        r.put("a", a);
        r.put("b", b);
        r.put("ratioRecordsPerSecondBoverA", ratio);
        r.put("ratioCpuSecondsBoverA", cpuRatio);
        r.put("ratioOfEachPair", pairRatios);
        r.put("aRuns", as);
        r.put("bRuns", bs);
        r.put("warmUpA", warmA);
        r.put("warmUpB", warmB);
        if (!compare.isEmpty()) {
            Map<String, Object> c = medianRun(cs);
            r.put("compare", compare);
            r.put("c", c);
            r.put("ratioRecordsPerSecondCoverB", (double) c.get("recordsPerSecond") / (double) b.get("recordsPerSecond"));
            r.put("ratioCpuSecondsCoverB", (double) c.get("cpuSeconds") / (double) b.get("cpuSeconds"));
            r.put("ratioCoverBOfEachPair", cbRatios);
            r.put("ratioCpuCoverBOfEachPair", cbCpuRatios);
            r.put("ratioCpuWithoutJitCoverBOfEachPair", cbCpuWithoutJitRatios);
            r.put("ratioCpuWithoutJitCoverBOfLeast", leastRatio(cs, bs));
            r.put("cRuns", cs);
            r.put("warmUpC", warmC);
        }
        results.put("throughput", r);
        say(String.format(Locale.ROOT, "THROUGHPUT ratio b/a %.2f (records/s, medians of %d alternating runs; each pair %s),"
                + " CPU b/a %.2f", ratio, repeat, pairRatios.stream().map(x -> String.format(Locale.ROOT, "%.2f", x)).toList(),
                cpuRatio));
        if (!compare.isEmpty()) {
            say(String.format(Locale.ROOT, "COMPARE %s: ratio c/b %.2f (records/s, medians; each pair %s), CPU c/b of each pair %s;"
                    + " CPU without JIT threads c/b of each pair %s, of the least of each %.2f",
                    compare, (double) r.get("ratioRecordsPerSecondCoverB"),
                    cbRatios.stream().map(x -> String.format(Locale.ROOT, "%.2f", x)).toList(),
                    cbCpuRatios.stream().map(x -> String.format(Locale.ROOT, "%.2f", x)).toList(),
                    cbCpuWithoutJitRatios.stream().map(x -> String.format(Locale.ROOT, "%.2f", x)).toList(),
                    (double) r.get("ratioCpuWithoutJitCoverBOfLeast")));
        }
        return (double) b.get("recordsPerSecond") * counts[0] / total;
    }

    /** name=value[,name=value...] as a map (the --job and --compare form). */
    static Map<String, String> keyValues(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String kv : text.split(",")) {
            if (!kv.isBlank()) {
                int eq = kv.indexOf('=');
                if (eq < 1) {
                    throw new IllegalArgumentException("expected name=value[,name=value...], got '" + kv + "'");
                }
                out.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
        }
        return out;
    }

    private Map<String, Object> bounded(String name, BallastTopics t, boolean readOnly, long total,
                                        Map<String, String> options) throws Exception {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("source.bounded", "true");
        List<String> jobArgs = jobArgs(t, extra, options);
        BallastConfig config = config(jobArgs);
        StreamExecutionEnvironment env = BallastJob.environment(config);
        if (readOnly) {
            Inputs in = Inputs.fromKafka(env, config);
            in.quotes().sinkTo(new DiscardingSink<>()).name("discard quotes");
            in.trades().sinkTo(new DiscardingSink<>()).name("discard trades");
            in.limits().sinkTo(new DiscardingSink<>()).name("discard limits");
            in.rejected().sinkTo(new DiscardingSink<>()).name("discard rejected");
        } else {
            BallastJob.build(env, config);
        }
        Map<String, Long> writtenBefore = readOnly ? null : recordsIn(t.signals(), t.risk(), t.skew(), t.rejected(), t.portfolio());
        long[] gc0 = gcCountAndMillis();
        long cpu0 = processCpuNanos();
        long wall0 = System.nanoTime();
        Map<String, Double> byThread;
        JobExecutionResult result;
        try (ThreadCpu threadCpu = new ThreadCpu()) {
            JobClient client = env.executeAsync("bench " + name);
            result = client.getJobExecutionResult().get(30, TimeUnit.MINUTES);
            byThread = threadCpu.stopAndGroup();
        }
        long wall = System.nanoTime() - wall0;
        long cpu = processCpuNanos() - cpu0;
        long net = result.getNetRuntime(TimeUnit.MILLISECONDS);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("records", total);
        r.put("jobRuntimeSeconds", net / 1000.0);
        r.put("wallSecondsWithClusterStart", wall / 1e9);
        r.put("recordsPerSecond", total / (net / 1000.0));
        r.put("cpuSeconds", cpu / 1e9);
        r.put("cpuMicrosPerRecord", cpu / 1e3 / total);
        r.put("cpuSecondsByThread", byThread);
        long[] gc = gcCountAndMillis();
        r.put("gcCollections", gc[0] - gc0[0]);
        r.put("gcMillis", gc[1] - gc0[1]);
        if (!readOnly) {
            Map<String, Long> written = recordsIn(t.signals(), t.risk(), t.skew(), t.rejected(), t.portfolio());
            written.replaceAll((topic, n) -> n - writtenBefore.get(topic));
            r.put("recordsWritten", written);
            say("    records written: " + written);
        }
        say(String.format(Locale.ROOT, "  %-14s %,d records in %.1f s (job), %.1f s with cluster start: %,.0f records/s, CPU %.1f s (%.1f µs/record)",
                name, total, net / 1000.0, wall / 1e9, total / (net / 1000.0), cpu / 1e9, cpu / 1e3 / total));
        say("    GC " + r.get("gcCollections") + " collections, " + r.get("gcMillis") + " ms; CPU s by thread: " + byThread.entrySet().stream().limit(10)
                .map(e -> e.getKey() + " " + e.getValue()).collect(java.util.stream.Collectors.joining("; ")));
        return r;
    }

    /** The run with the median records/s (the lower middle one of an even number). */
    /**
     * A run's CPU seconds without the JIT compiler threads'. Runs in one JVM still compile thousands of methods
     * each (docs/performance.md, issue 13's third pass): 2–6 CPU s a run, varying more than the jobs' own.
     */
    @SuppressWarnings("unchecked")
    static double cpuWithoutJit(Map<String, Object> run) {
        Map<String, Double> byThread = (Map<String, Double>) run.get("cpuSecondsByThread");
        return (double) run.get("cpuSeconds") - byThread.getOrDefault(ThreadCpu.JIT, 0.0);
    }

    /**
     * The least CPU without JIT of the c runs over that of the b runs: on a shared machine a run is slowed by
     * others, never sped up, so the least of each is the nearest to the job's own cost.
     */
    static double leastRatio(List<Map<String, Object>> cs, List<Map<String, Object>> bs) {
        double c = cs.stream().mapToDouble(Harness::cpuWithoutJit).min().orElse(Double.NaN);
        double b = bs.stream().mapToDouble(Harness::cpuWithoutJit).min().orElse(Double.NaN);
        return c / b;
    }

    private static Map<String, Object> medianRun(List<Map<String, Object>> runs) {
        List<Map<String, Object>> sorted = new ArrayList<>(runs);
        sorted.sort(java.util.Comparator.comparingDouble(m -> (double) m.get("recordsPerSecond")));
        return sorted.get((sorted.size() - 1) / 2);
    }

    /** Quotes and fills of the simulated market, event times ending now; the limits first. */
    private long[] preload(BallastTopics t, long events) {
        List<String> providers = RiskLimitsPlan.providers(PROVIDERS);
        long[] counts = new long[3];
        AvroWriter<RiskLimits> limits = new AvroWriter<>(producer, t.limits(), RiskLimits.class, registryConfig);
        for (RiskLimits l : RiskLimitsPlan.limits(providers, UnderlyingSpec.DEFAULTS, 3, Instant.now())) {
            limits.send(RiskLimitsPlan.key(l), l);
            counts[2]++;
        }
        AvroWriter<Quote> quotes = new AvroWriter<>(producer, t.quotes(), Quote.class, registryConfig);
        AvroWriter<Trade> trades = new AvroWriter<>(producer, t.trades(), Trade.class, registryConfig);
        // About 22 quotes per 100 ms tick (2 underlyings: perp, spot, a tenth of 88 options); 10 fills/s: ~4% fills.
        long ticks = events / 22 + 1;
        long start = System.currentTimeMillis() - ticks * MarketSimulator.TICK_MILLIS;
        MarketSimulator market = new MarketSimulator(UnderlyingSpec.DEFAULTS, providers, 10, 42, 1,
                Instant.ofEpochMilli(start), new MarketSimulator.Output() {
                    @Override
                    public void quote(Quote q) {
                        quotes.send(q.getInstrument().getSymbol(), q);
                        counts[0]++;
                    }

                    @Override
                    public void trade(Trade tr) {
                        trades.send(tr.getProviderId(), tr);
                        counts[1]++;
                    }
                });
        long now = start;
        while (counts[0] + counts[1] + counts[2] < events) {
            now += MarketSimulator.TICK_MILLIS;
            market.tick(now);
        }
        producer.flush();
        checkSent(quotes.failed() + trades.failed() + limits.failed());
        return counts;
    }

    // --------------------------------------------------------------------------------- latency

    private void latency(double maxQuoteRate) throws Exception {
        BallastTopics t = createTopics("lat");
        double rate = Double.parseDouble(opts.get("rate"));
        double cap = Double.parseDouble(opts.get("rate-cap"));
        if (rate <= 0) {
            rate = maxQuoteRate > 0 ? Math.min(maxQuoteRate / 2, cap) : cap;
        }
        List<String> providers = RiskLimitsPlan.providers(PROVIDERS);
        AvroWriter<RiskLimits> limits = new AvroWriter<>(producer, t.limits(), RiskLimits.class, registryConfig);
        for (RiskLimits l : RiskLimitsPlan.limits(providers, UnderlyingSpec.DEFAULTS, 3, Instant.now())) {
            limits.send(RiskLimitsPlan.key(l), l);
        }
        producer.flush();
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("inventory.refresh-interval", opts.get("refresh-interval"));
        extra.put("market.snapshot-interval", opts.get("snapshot-interval"));
        // 10 ms refreshes of 20 books per subtask are 2,000/s, right at the default budget: lift it, so that
        // an uneven split of the keys does not stretch the interval this run is about.
        extra.put("inventory.refresh-budget", "100000");
        List<String> jobArgs = jobArgs(t, extra);
        BallastConfig config = config(jobArgs);
        int webPort = config.webPort();
        JobRunner job = startLatencyJob(jobArgs);
        String jobId = job.jobId();

        // The simulator in real time: ticks as often as the rate needs (~22 quotes a tick), 20 fills/s of
        // wall time in all, so that the providers' books drift out of their bands and signals are decided.
        double ticksPerSecond = rate / 22.0;
        double fillRate = 20 / (ticksPerSecond * MarketSimulator.TICK_MILLIS / 1000.0);
        AvroWriter<Quote> quotes = new AvroWriter<>(producer, t.quotes(), Quote.class, registryConfig);
        AvroWriter<Trade> trades = new AvroWriter<>(producer, t.trades(), Trade.class, registryConfig);
        AtomicLong sentQuotes = new AtomicLong();
        MarketSimulator market = new MarketSimulator(UnderlyingSpec.DEFAULTS, providers, fillRate, 43,
                Double.parseDouble(opts.get("latency-time-scale")),
                Instant.now(), new MarketSimulator.Output() {
                    @Override
                    public void quote(Quote q) {
                        quotes.send(q.getInstrument().getSymbol(), q);
                        sentQuotes.incrementAndGet();
                    }

                    @Override
                    public void trade(Trade tr) {
                        trades.send(tr.getProviderId(), tr);
                    }
                });
        SignalWatch watch = new SignalWatch(bootstrap, registryConfig, t.signals());
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        long periodMicros = Math.round(1e6 / ticksPerSecond);
        long lastMillis[] = {0};
        clock.scheduleAtFixedRate(() -> {
            long now = Math.max(System.currentTimeMillis(), lastMillis[0] + 1); // event times strictly increase
            lastMillis[0] = now;
            market.tick(now);
        }, 0, periodMicros, TimeUnit.MICROSECONDS);
        long seconds = Long.parseLong(opts.get("latency-seconds"));
        long t0 = System.nanoTime();
        long q0 = sentQuotes.get();
        // A third of the run warms up; the end-to-end sample is the rest.
        Thread.sleep(seconds * 1000 / 3);
        watch.startMeasuring();
        Thread.sleep(seconds * 1000 * 2 / 3);
        clock.shutdownNow();
        double achieved = (sentQuotes.get() - q0) / ((System.nanoTime() - t0) / 1e9);
        Map<String, Object> metric = histogram(jobId, webPort, "inventory", "quoteToSignalLatencyMicros");
        Thread.sleep(1000);
        watch.close();
        job.close();

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("quoteRateTarget", rate);
        r.put("quoteRateAchieved", achieved);
        r.put("fillsPerSecond", 20);
        r.put("providers", PROVIDERS);
        r.put("delivery", "at-least-once");
        r.put("refreshInterval", opts.get("refresh-interval"));
        r.put("snapshotInterval", opts.get("snapshot-interval"));
        r.put("seconds", seconds);
        r.put("timeScale", opts.get("latency-time-scale"));
        r.put("jobJvm", "same".equals(opts.get("latency-jvm")) ? "the harness's" : "child: " + opts.get("latency-jvm"));
        r.put("inJobQuoteToSignalMicros", metric);
        r.put("endToEndInputToSignalMillis", watch.summary());
        results.put("latency", r);
        say(String.format(Locale.ROOT, "LATENCY at %.0f quotes/s (target %.0f): in-job %s; end to end (ms) %s", achieved,
                rate, metric, watch.summary()));
    }

    /**
     * The latency run's job: in this JVM ({@code --latency-jvm same}) or in a child JVM started with the
     * given JVM options, {@code BallastJob}'s own main on its embedded MiniCluster (this JVM's classpath),
     * log in {@code latency-job.log}. Returns once every vertex runs.
     */
    private JobRunner startLatencyJob(List<String> jobArgs) throws Exception {
        String jvm = opts.get("latency-jvm");
        if ("same".equals(jvm)) {
            return JobRunner.start(jobArgs, Duration.ofSeconds(180));
        }
        List<String> jvmOptions = new ArrayList<>(Arrays.asList(jvm.trim().split("\\s+")));
        jvmOptions.add("-Dlog4j2.configurationFile=ballast-sandbox-log4j2.xml");
        jvmOptions.add("-Dballast.sandbox.log=" + out.resolve("latency-job.log"));
        jvmOptions.add("-Dlog.file=" + out.resolve("latency-job.log"));
        jvmOptions.add("-Djava.io.tmpdir=" + Files.createDirectories(scratch.resolve("tmp-latency-job")));
        return JobRunner.startInChildJvm(jobArgs, jvmOptions, scratch, out.resolve("latency-job.out"), Duration.ofSeconds(180));
    }

    /** Reads {@code rebalance-signals} back: wall time of arrival minus the signal's event time. */
    private static final class SignalWatch implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final ConfluentAvroDecoder<RebalanceSignal> decoder;
        private final Thread thread;
        private final List<Long> millis = new ArrayList<>();
        private final Map<String, List<Long>> byType = new TreeMap<>();
        private volatile boolean measuring;
        private volatile boolean running = true;

        SignalWatch(String bootstrap, RegistryConfig registry, String topic) {
            consumer = OutputMonitor.consumer(bootstrap, "ballast-bench-signals");
            OutputMonitor.assignFromBeginning(consumer, List.of(topic));
            decoder = new ConfluentAvroDecoder<>(RebalanceSignal.class, ConfluentRegistryClient.shared(registry));
            thread = new Thread(this::loop, "bench-signal-watch");
            thread.setDaemon(true);
            thread.start();
        }

        void startMeasuring() {
            measuring = true;
        }

        private void loop() {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(20))) {
                    long arrived = System.currentTimeMillis();
                    if (!measuring) {
                        continue;
                    }
                    try {
                        RebalanceSignal s = decoder.decode(rec.value());
                        long latency = arrived - s.getEventTime().toEpochMilli();
                        synchronized (millis) {
                            millis.add(latency);
                            // Decided on a market snapshot (a refresh) or on a fill: the router's fill of a hedge
                            // is a fill too, with the event time the router stamped.
                            byType.computeIfAbsent(s.getType().name(), k -> new ArrayList<>()).add(latency);
                        }
                    } catch (IOException e) {
                        // not a signal of ours
                    }
                }
            }
            consumer.close();
        }

        Map<String, Object> summary() {
            Map<String, Object> r;
            synchronized (millis) {
                r = percentiles(millis);
                Map<String, Object> types = new LinkedHashMap<>();
                byType.forEach((type, l) -> types.put(type, percentiles(l)));
                r.put("byType", types);
            }
            return r;
        }

        private static Map<String, Object> percentiles(List<Long> millis) {
            long[] v = millis.stream().mapToLong(Long::longValue).sorted().toArray();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("count", v.length);
            if (v.length > 0) {
                r.put("p50", v[(int) Math.floor(0.50 * (v.length - 1))]);
                r.put("p99", v[(int) Math.floor(0.99 * (v.length - 1))]);
                r.put("max", v[v.length - 1]);
            }
            return r;
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(5000);
        }
    }

    // ------------------------------------------------------------------------------ checkpoint

    private void checkpoint() throws Exception {
        BallastTopics t = createTopics("ck");
        int keys = Integer.parseInt(opts.get("keys"));
        int providers = (keys + 1) / 2;
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("checkpoint.interval", opts.get("checkpoint-interval"));
        extra.put("inventory.refresh-interval", opts.get("checkpoint-refresh-interval"));
        List<String> jobArgs = jobArgs(t, extra);
        BallastConfig config = config(jobArgs);
        // One perpetual fill per provider and underlying; a trickle of market quotes so snapshots flow.
        AvroWriter<Trade> trades = new AvroWriter<>(producer, t.trades(), Trade.class, registryConfig);
        long now = System.currentTimeMillis();
        int sent = 0;
        for (int p = 0; p < providers && sent < keys; p++) {
            for (UnderlyingSpec u : UnderlyingSpec.DEFAULTS) {
                if (sent++ >= keys) {
                    break;
                }
                Instrument perp = Listing.of(u, Instant.ofEpochMilli(now)).perpetual();
                trades.send("p" + p, Trade.newBuilder().setTradeId("K" + sent).setProviderId("p" + p)
                        .setVenue("BENCH").setInstrument(perp).setSide(p % 2 == 0 ? Side.BUY : Side.SELL)
                        .setQuantity(0.01 * u.lot()).setPrice(u.spot()).setFee(0.0).setSignalId(null)
                        .setEventTime(Instant.ofEpochMilli(now + sent / 1000)).build());
            }
        }
        producer.flush();
        checkSent(trades.failed());
        say(String.format(Locale.ROOT, "checkpoint: %,d fills for %,d provider/underlying keys sent", sent, keys));

        JobRunner job = JobRunner.start(jobArgs, Duration.ofSeconds(180));
        int webPort = job.webPort();
        AvroWriter<Quote> quotes = new AvroWriter<>(producer, t.quotes(), Quote.class, registryConfig);
        MarketSimulator market = new MarketSimulator(UnderlyingSpec.DEFAULTS, List.of("mm1"), 0.01, 44, 1,
                Instant.now(), new MarketSimulator.Output() {
                    @Override
                    public void quote(Quote q) {
                        quotes.send(q.getInstrument().getSymbol(), q);
                    }

                    @Override
                    public void trade(Trade tr) {
                    }
                });
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        clock.scheduleAtFixedRate(() -> market.tick(System.currentTimeMillis()), 0, 100, TimeUnit.MILLISECONDS);
        String jobId = job.jobId();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(opts.get("checkpoint-wait")));
        long applied = 0;
        while (System.nanoTime() < deadline) {
            Thread.sleep(2000);
            applied = (long) sumMetric(webPort, jobId, "inventory", "fillsApplied");
            JsonNode ck = get(webPort, "/jobs/" + jobId + "/checkpoints");
            say(String.format(Locale.ROOT, "  fills applied %,d / %,d; checkpoints completed %s", applied, keys,
                    ck == null ? "?" : ck.path("counts").path("completed").asText()));
        }
        JsonNode ck = get(webPort, "/jobs/" + jobId + "/checkpoints");
        Map<String, Object> breakdown = ck == null ? Map.of()
                : checkpointBreakdown(webPort, jobId, ck.path("latest").path("completed").path("id").asLong(-1));
        clock.shutdownNow();
        job.close();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("keys", keys);
        r.put("fillsApplied", applied);
        r.put("interval", opts.get("checkpoint-interval"));
        r.put("refreshInterval", opts.get("checkpoint-refresh-interval"));
        long intervalMs = config.get(io.ballast.config.BallastOptions.CHECKPOINT_INTERVAL).toMillis();
        if (ck != null) {
            JsonNode latest = ck.path("latest").path("completed");
            r.put("completed", ck.path("counts").path("completed").asLong());
            r.put("failed", ck.path("counts").path("failed").asLong());
            r.put("latestStateSizeBytes", latest.path("state_size").asLong());
            r.put("latestCheckpointedSizeBytes", latest.path("checkpointed_size").asLong());
            r.put("latestEndToEndDurationMs", latest.path("end_to_end_duration").asLong());
            JsonNode summary = ck.path("summary").path("end_to_end_duration");
            r.put("durationMsMinAvgMax", List.of(summary.path("min").asLong(), summary.path("avg").asLong(),
                    summary.path("max").asLong()));
            r.put("latestDurationShareOfInterval", latest.path("end_to_end_duration").asDouble() / intervalMs);
            List<Map<String, Object>> history = new ArrayList<>();
            for (JsonNode h : ck.path("history")) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("id", h.path("id").asLong());
                e.put("status", h.path("status").asText());
                e.put("stateSize", h.path("state_size").asLong());
                e.put("checkpointedSize", h.path("checkpointed_size").asLong());
                e.put("durationMs", h.path("end_to_end_duration").asLong());
                history.add(e);
            }
            r.put("history", history);
            r.put("latestByOperator", breakdown);
        }
        results.put("checkpoint", r);
        say("CHECKPOINT " + r);
    }

    /**
     * Where the time of checkpoint {@code id} went, per operator (worst subtask, ms): start delay (barrier
     * reaching the task), alignment, synchronous and asynchronous parts, and the in-flight bytes an
     * unaligned checkpoint stored.
     */
    private static Map<String, Object> checkpointBreakdown(int webPort, String jobId, long id) {
        Map<String, Object> out = new LinkedHashMap<>();
        JsonNode job = get(webPort, "/jobs/" + jobId);
        if (id < 0 || job == null) {
            return out;
        }
        for (JsonNode v : job.path("vertices")) {
            JsonNode d = get(webPort, "/jobs/" + jobId + "/checkpoints/details/" + id + "/subtasks/" + v.path("id").asText());
            if (d == null) {
                continue;
            }
            JsonNode sum = d.path("summary");
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("endToEndMs", sum.path("end_to_end_duration").path("max").asLong());
            e.put("startDelayMs", sum.path("start_delay").path("max").asLong());
            e.put("alignmentMs", sum.path("alignment").path("duration").path("max").asLong());
            e.put("syncMs", sum.path("checkpoint_duration").path("sync").path("max").asLong());
            e.put("asyncMs", sum.path("checkpoint_duration").path("async").path("max").asLong());
            e.put("persistedInFlightBytes", sum.path("alignment").path("persisted").path("max").asLong());
            e.put("stateBytes", sum.path("state_size").path("max").asLong());
            String name = v.path("name").asText();
            out.put(name.length() > 40 ? name.substring(0, 40) : name, e);
        }
        return out;
    }

    // ---------------------------------------------------------------------------------- common

    private BallastTopics createTopics(String prefix) {
        BallastTopics t = BallastTopics.withPrefix(prefix);
        broker.createTopics(t.forSimulation());
        return t;
    }

    /** The sandbox's job options (at-least-once, earliest, RocksDB incremental) on the topics {@code t}. */
    private BallastConfig config(BallastTopics t, Map<String, String> extra) {
        return config(jobArgs(t, extra));
    }

    private static BallastConfig config(List<String> jobArgs) {
        return BallastConfig.fromArgs(jobArgs);
    }

    /** {@link #config}'s options as {@code --name value} arguments; each call is a new run (port, directory). */
    private List<String> jobArgs(BallastTopics t, Map<String, String> extra) {
        return jobArgs(t, extra, Map.of());
    }

    private List<String> jobArgs(BallastTopics t, Map<String, String> extra, Map<String, String> overrides) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("bootstrap", bootstrap);
        o.put("registry", registryUrl);
        o.put("local", "true");
        o.put("web-port", Integer.toString(Ports.free()));
        o.put("parallelism", opts.get("parallelism"));
        o.put("delivery.guarantee", "at-least-once");
        o.put("checkpoint.interval", "10 s");
        o.put("checkpoint.dir", scratch.resolve("checkpoints-" + (++runs)).toUri().toString());
        o.put("source.starting-offsets", "earliest");
        o.put("source.group-id", "bench-" + runs);
        o.put("source.max-out-of-orderness", "500 ms");
        o.put("source.idleness", "2 s");
        o.put("topic.quotes", t.quotes());
        o.put("topic.trades", t.trades());
        o.put("topic.risk-limits", t.limits());
        o.put("topic.rebalance-signals", t.signals());
        o.put("topic.inventory-risk", t.risk());
        o.put("topic.vol-skew", t.skew());
        o.put("topic.rejected", t.rejected());
        o.put("topic.collateral", t.collateral());
        o.put("topic.portfolio-risk", t.portfolio());
        o.putAll(extra);
        o.putAll(keyValues(opts.get("job")));
        o.putAll(overrides); // a --compare run's options, over --job
        List<String> args = new ArrayList<>();
        o.forEach((k, v) -> {
            args.add("--" + k);
            args.add(v);
        });
        return args;
    }

    /** The number of records in each topic (one partition each, nothing deleted). */
    private Map<String, Long> recordsIn(String... topics) {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = OutputMonitor.consumer(bootstrap, "ballast-bench-count")) {
            List<org.apache.kafka.common.TopicPartition> parts = new ArrayList<>();
            for (String topic : topics) {
                parts.add(new org.apache.kafka.common.TopicPartition(topic, 0));
            }
            Map<org.apache.kafka.common.TopicPartition, Long> ends = consumer.endOffsets(parts, Duration.ofSeconds(10));
            for (org.apache.kafka.common.TopicPartition p : parts) {
                counts.put(p.topic(), ends.get(p));
            }
        }
        return counts;
    }

    /** Collections and their accumulated time (ms, as the collectors report it) of all collectors of this JVM. */
    private static long[] gcCountAndMillis() {
        long count = 0;
        long millis = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void checkSent(long failed) {
        if (failed > 0) {
            throw new IllegalStateException(failed + " records could not be written to Kafka");
        }
    }

    /** The vertex whose name contains {@code vertexName}. */
    private static String vertexId(int webPort, String jobId, String vertexName) {
        JsonNode job = get(webPort, "/jobs/" + jobId);
        if (job == null) {
            return null;
        }
        for (JsonNode v : job.path("vertices")) {
            if (v.path("name").asText().contains(vertexName)) {
                return v.path("id").asText();
            }
        }
        return null;
    }

    private static double sumMetric(int webPort, String jobId, String vertexName, String metric) {
        String vid = vertexId(webPort, jobId, vertexName);
        if (vid == null) {
            return 0;
        }
        JsonNode names = get(webPort, "/jobs/" + jobId + "/vertices/" + vid + "/subtasks/metrics");
        if (names == null) {
            return 0;
        }
        for (JsonNode n : names) {
            String id = n.path("id").asText();
            if (id.endsWith("." + metric) || id.equals(metric)) {
                JsonNode v = get(webPort, "/jobs/" + jobId + "/vertices/" + vid + "/subtasks/metrics?get=" + id + "&agg=sum");
                if (v != null && v.size() > 0) {
                    return v.get(0).path("sum").asDouble();
                }
            }
        }
        return 0;
    }

    /** p50, p99, max (max over subtasks) and count (sum) of a histogram metric of an operator. */
    private static Map<String, Object> histogram(String jobId, int webPort, String vertexName, String metric) {
        String vid = vertexId(webPort, jobId, vertexName);
        Map<String, Object> r = new LinkedHashMap<>();
        String prefix = null;
        // The REST API's metric store fills on demand: the first answers may not list the metric yet.
        for (int attempt = 0; attempt < 10 && prefix == null && vid != null; attempt++) {
            JsonNode names = get(webPort, "/jobs/" + jobId + "/vertices/" + vid + "/subtasks/metrics");
            for (JsonNode n : names == null ? JSON.createArrayNode() : names) {
                String id = n.path("id").asText();
                if (id.contains(metric + "_")) {
                    prefix = id.substring(0, id.lastIndexOf('_'));
                    break;
                }
            }
            if (prefix == null) {
                sleepQuietly(1000);
            }
        }
        if (prefix == null) {
            r.put("error", "metric " + metric + " not listed");
            return r;
        }
        // Per subtask (an aggregate over subtasks turns into NaN when one of them has no sample yet).
        JsonNode job = get(webPort, "/jobs/" + jobId + "/vertices/" + vid);
        int subtasks = job == null ? 0 : job.path("parallelism").asInt();
        for (String suffix : List.of("median", "p95", "p99", "max")) {
            double worst = Double.NaN;
            for (int i = 0; i < subtasks; i++) {
                JsonNode v = get(webPort, "/jobs/" + jobId + "/vertices/" + vid + "/subtasks/" + i + "/metrics?get="
                        + prefix + "_" + suffix);
                if (v != null && v.size() > 0) {
                    double x = v.get(0).path("value").asDouble(Double.NaN);
                    if (!Double.isNaN(x) && (Double.isNaN(worst) || x > worst)) {
                        worst = x;
                    }
                }
            }
            r.put((suffix.equals("median") ? "p50" : suffix) + "Micros", worst);
        }
        return r;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static JsonNode get(int port, String path) {
        return JobRunner.getJson("http://" + Ports.HOST + ":" + port + path, Duration.ofSeconds(10));
    }

    private void close() {
        try {
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
            }
        } catch (RuntimeException e) {
            // best effort
        }
        if (broker != null) {
            broker.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @SuppressWarnings("unused")
    private static void forEach(JsonNode n, Consumer<JsonNode> f) {
        n.forEach(f);
    }
}
