package io.ballast.security;

import io.ballast.TestRecords;
import io.ballast.avro.Instrument;
import io.ballast.avro.RiskSnapshot;
import io.ballast.avro.Side;
import io.ballast.job.BallastJob;
import io.ballast.testkit.BallastAcls;
import io.ballast.testkit.BallastRig;
import io.ballast.testkit.ChildJvm;
import io.ballast.testkit.JobRunner;
import io.ballast.testkit.KafkaBroker;
import io.ballast.testkit.KafkaBrokerExtension;
import io.ballast.testkit.Ports;
import io.ballast.testkit.RegistryServer;
import io.ballast.testkit.SchemaRegistryExtension;
import io.ballast.testkit.TlsAuthProxy;
import io.ballast.tls.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job against a secured broker and registry, as in production: Kafka on SASL_SSL (SCRAM-SHA-512,
 * certificates made by the test) with ACLs, the job's user holding exactly {@link BallastAcls#forJob};
 * the real registry behind https with mutual TLS and basic auth ({@link TlsAuthProxy}). The job runs its own {@code main}
 * in a JVM of its own, everything it prints (logs at INFO, Kafka's client configurations included) in one
 * file, which must hold no password. A wrong password, an untrusted certificate and refused registry
 * credentials each stop the job at start with one line on stderr and no stack trace.
 *
 * <p>The kit's own clients (topics, inputs, reading the outputs) use the broker's PLAINTEXT listener as
 * its super user, and the registry directly.
 */
class SecurityITCase {

    /** Unique per run, so that finding one in the output can only mean it leaked. */
    private static final String STORE_PASSWORD = "store-" + UUID.randomUUID();
    private static final String SCRAM_PASSWORD = "scram-" + UUID.randomUUID();
    private static final String REGISTRY_PASSWORD = "basic-" + UUID.randomUUID();
    private static final String USER = "ballast-job";
    private static final String REGISTRY_USER = "ballast-registry";
    private static final String GROUP = KafkaBroker.uniqueName("ballast-secure");

    private static final Path DIR = Path.of("target", "it-state", KafkaBroker.uniqueName("security")).toAbsolutePath();
    private static final TestCertificates CERTS = TestCertificates.create(DIR.resolve("tls"), "ballast", STORE_PASSWORD);
    /** A CA the broker and the registry never heard of. */
    private static final TestCertificates FOREIGN = TestCertificates.create(DIR.resolve("tls"), "foreign", STORE_PASSWORD);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.builder()
            .saslSsl(CERTS.serverKeyStore(), CERTS.trustStore(), STORE_PASSWORD)
            .build();

    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = SchemaRegistryExtension.shared();

    private static BallastRig rig;
    private static TlsAuthProxy registryProxy;

    @BeforeAll
    static void secure() {
        KAFKA.createScramUser(USER, SCRAM_PASSWORD);
        rig = new BallastRig(KAFKA, REGISTRY.url(), DIR.resolve("checkpoints"), 1);
        KAFKA.createAcls(BallastAcls.forJob("User:" + USER, List.of(rig.quotes, rig.trades, rig.limits, rig.collateral),
                List.of(rig.signals, rig.risk, rig.skew, rig.rejected, rig.portfolio), GROUP, rig.txPrefix));
        // Mutual TLS too: the job must show a client certificate of our CA.
        registryProxy = TlsAuthProxy.start(REGISTRY.baseUri(), CERTS.serverKeyStore(), STORE_PASSWORD, CERTS.trustStore(),
                REGISTRY_USER, REGISTRY_PASSWORD);
    }

    @AfterAll
    static void stopProxy() {
        if (registryProxy != null) {
            registryProxy.close();
        }
    }

    /** The job's arguments: every secured option, with these credentials and trust stores. */
    private static List<String> jobArgs(String scramPassword, Path kafkaTrust, String registryPassword, Path registryTrust) {
        return rig.args(
                "--bootstrap", KAFKA.saslSslBootstrapServers(),
                "--registry", registryProxy.origin() + RegistryServer.CONFLUENT_API,
                "--registry.basic-auth.user-info", REGISTRY_USER + ":" + registryPassword,
                "--registry.truststore.location", registryTrust.toString(),
                "--registry.truststore.password", STORE_PASSWORD,
                "--registry.keystore.location", CERTS.clientKeyStore().toString(),
                "--registry.keystore.password", STORE_PASSWORD,
                "--kafka.security.protocol", "SASL_SSL",
                "--kafka.sasl.mechanism", KafkaBroker.SCRAM,
                "--kafka.sasl.jaas.config", KafkaBroker.jaasConfig(USER, scramPassword),
                "--kafka.ssl.truststore.type", "PKCS12",
                "--kafka.ssl.truststore.location", kafkaTrust.toString(),
                "--kafka.ssl.truststore.password", STORE_PASSWORD,
                "--source.group-id", GROUP,
                "--parallelism", "1");
    }

    @Test
    void theJobRunsEndToEndThroughTheSecuredBrokerAndRegistryAndLogsNoSecret() throws Exception {
        Instant t0 = TestRecords.now().minusSeconds(30);
        Instrument perp = TestRecords.perp("BTC");
        rig.limits("mm1", TestRecords.limits("mm1", null));
        rig.quote(TestRecords.quote(perp, 99_999.5, 100_000.5, t0));
        rig.trade(TestRecords.trade("secure-fill-1", "mm1", perp, Side.BUY, 2, 100_000, t0.plusSeconds(1)));

        Path log = DIR.resolve("job.log");
        List<String> args = new ArrayList<>(jobArgs(SCRAM_PASSWORD, CERTS.trustStore(), REGISTRY_PASSWORD, CERTS.trustStore()));
        args.addAll(List.of("--local", "true", "--web-port", Integer.toString(Ports.free())));
        long started = System.nanoTime();
        int refusedBefore = registryProxy.refused();
        try (JobRunner job = JobRunner.startInChildJvm(args, List.of("-Dlog4j2.configurationFile=" + verboseLogging()),
                DIR, log, Duration.ofSeconds(90))) {
            List<RiskSnapshot> risk = rig.riskUntil(r -> r.stream().anyMatch(x -> x.getProviderId().equals("mm1")));
            System.out.printf("secured job: risk out %d ms after the start; %d registry requests through the proxy%n",
                    (System.nanoTime() - started) / 1_000_000, registryProxy.forwarded());
            RiskSnapshot mm1 = risk.stream().filter(x -> x.getProviderId().equals("mm1")).findFirst().orElseThrow();
            assertThat(mm1.getUnderlying()).isEqualTo("BTC");
            assertThat(mm1.getNetDelta()).isEqualTo(2.0);
        }
        // The outputs' schemas were registered by the job, through https and basic auth.
        assertThat(registryProxy.forwarded()).isPositive();
        assertThat(registryProxy.refused()).isEqualTo(refusedBefore);

        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(output)
                .as("the job's log is there and verbose enough to have shown secrets")
                .contains("Ballast effective configuration")
                .contains("--kafka.sasl.jaas.config ******")
                .contains("--registry.basic-auth.user-info ******")
                .contains("--registry.keystore.password ******")
                .contains("sasl.jaas.config = [hidden]");
        assertNoSecret(output, SCRAM_PASSWORD, REGISTRY_PASSWORD, STORE_PASSWORD);
    }

    @Test
    void aWrongKafkaPasswordStopsTheJobAtStartWithOneLine() throws Exception {
        String wrong = "wrong-" + UUID.randomUUID();
        failsAtStart(jobArgs(wrong, CERTS.trustStore(), REGISTRY_PASSWORD, CERTS.trustStore()),
                "refused the job's credentials (SASL SCRAM-SHA-512, --kafka.sasl.jaas.config)", wrong);
    }

    @Test
    void anUntrustedBrokerCertificateStopsTheJobAtStartWithOneLine() throws Exception {
        failsAtStartInThisJvm(jobArgs(SCRAM_PASSWORD, FOREIGN.trustStore(), REGISTRY_PASSWORD, CERTS.trustStore()),
                "The TLS handshake with the Kafka cluster at --bootstrap " + KAFKA.saslSslBootstrapServers()
                        + " failed, the broker's certificate is not trusted", SCRAM_PASSWORD);
    }

    @Test
    void anUntrustedRegistryCertificateStopsTheJobAtStartWithOneLine() throws Exception {
        failsAtStartInThisJvm(jobArgs(SCRAM_PASSWORD, CERTS.trustStore(), REGISTRY_PASSWORD, FOREIGN.trustStore()),
                "The TLS handshake with the registry at " + registryProxy.origin() + RegistryServer.CONFLUENT_API
                        + " failed", SCRAM_PASSWORD, REGISTRY_PASSWORD);
    }

    @Test
    void aWrongRegistryPasswordStopsTheJobAtStartWithOneLine() throws Exception {
        String wrong = "wrong-" + UUID.randomUUID();
        int refusedBefore = registryProxy.refused();
        failsAtStartInThisJvm(jobArgs(SCRAM_PASSWORD, CERTS.trustStore(), wrong, CERTS.trustStore()),
                "refused the job's credentials (HTTP 401", SCRAM_PASSWORD, wrong);
        assertThat(registryProxy.refused()).isGreaterThan(refusedBefore);
    }

    /**
     * Runs the job's {@code main} as {@code java} does, and expects it to end non-zero with exactly one line
     * on stderr, {@code ballast: ...} containing {@code expected}, no stack trace anywhere, and none of
     * {@code secrets} (nor the store password) in what it printed.
     */
    private static void failsAtStart(List<String> args, String expected, String... secrets) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", ChildJvm.currentClasspath().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
                BallastJob.class.getName()));
        command.addAll(args);
        Path out = Files.createTempFile(DIR, "failed-start", ".out");
        Path err = Files.createTempFile(DIR, "failed-start", ".err");
        long started = System.nanoTime();
        Process p = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile())
                .start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the job's JVM ended").isTrue();
        } finally {
            p.destroyForcibly();
        }
        List<String> errLines = Files.readAllLines(err).stream().filter(l -> !l.isBlank()).toList();
        String stdout = Files.readString(out);
        System.out.printf("failed start: exit %d after %d ms; stderr %s%n", p.exitValue(),
                (System.nanoTime() - started) / 1_000_000, errLines);
        assertThat(p.exitValue()).isNotZero();
        assertThat(errLines).singleElement().asString().startsWith("ballast: ").contains(expected);
        // The log (stdout here) may hold the Kafka client's own warning with the handshake's stack trace;
        // the job itself prints none.
        assertThat(stdout).doesNotContain("\tat io.ballast.").doesNotContain("Exception in thread");
        String[] all = new String[secrets.length + 1];
        System.arraycopy(secrets, 0, all, 0, secrets.length);
        all[secrets.length] = STORE_PASSWORD;
        assertNoSecret(stdout + String.join("\n", errLines), all);
    }

    /**
     * As {@link #failsAtStart}, with the job's {@code main} called in this JVM (a JVM start fewer): the
     * one line on stderr, and the exception {@code main} ends with carries that line alone, no cause and
     * no stack trace (what the Java launcher or Flink's client would print).
     */
    private static void failsAtStartInThisJvm(List<String> args, String expected, String... secrets) {
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream err = System.err;
        Throwable thrown;
        try (io.ballast.testing.LogCapture log = io.ballast.testing.LogCapture.of(BallastJob.class)) {
            System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                BallastJob.main(args.toArray(new String[0]));
                thrown = null;
            } catch (Throwable t) {
                thrown = t;
            } finally {
                System.setErr(err);
            }
            assertNoSecret(String.join("\n", log.messages()), SCRAM_PASSWORD, REGISTRY_PASSWORD, STORE_PASSWORD);
            assertThat(log.messages()).anyMatch(m -> m.contains("Ballast effective configuration"));
        }
        List<String> errLines = captured.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        System.out.printf("failed start: stderr %s%n", errLines);
        assertThat(thrown).isInstanceOf(io.ballast.config.ConfigException.class).hasNoCause();
        assertThat(thrown.getStackTrace()).isEmpty();
        assertThat(errLines).singleElement().asString().startsWith("ballast: ").contains(expected)
                .isEqualTo("ballast: " + thrown.getMessage());
        String[] all = new String[secrets.length + 1];
        System.arraycopy(secrets, 0, all, 0, secrets.length);
        all[secrets.length] = STORE_PASSWORD;
        assertNoSecret(String.join("\n", errLines), all);
    }

    private static void assertNoSecret(String output, String... secrets) {
        for (String secret : secrets) {
            assertThat(output).as("the output holds a password").doesNotContain(secret);
        }
    }

    /** Everything at INFO, Kafka's client configurations and Flink's start-up included, to one console. */
    private static Path verboseLogging() throws IOException {
        Path file = DIR.resolve("log4j2-verbose.properties");
        Files.writeString(file, String.join("\n",
                "status = warn",
                "appender.console.type = Console",
                "appender.console.name = console",
                "appender.console.layout.type = PatternLayout",
                "appender.console.layout.pattern = %d{HH:mm:ss,SSS} %-5p [%t] %c{1.} - %m%n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.console.ref = console",
                ""));
        return file;
    }
}
