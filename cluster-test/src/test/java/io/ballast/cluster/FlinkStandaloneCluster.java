package io.ballast.cluster;

import io.ballast.testkit.Await;
import io.ballast.testkit.Ports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Flink standalone session cluster on this machine, from the Maven Central jars: a JobManager
 * ({@code StandaloneSessionClusterEntrypoint}) and TaskManagers ({@code TaskManagerRunner}), each a JVM
 * of its own started with {@code --configDir}, as Flink's own {@code jobmanager.sh} and
 * {@code taskmanager.sh} would start them.
 *
 * <p>The classpath of those JVMs is the file {@value #CLASSPATH_FILE_PROPERTY} names (the module's
 * {@code provided} scope, written by maven-dependency-plugin {@code build-classpath}): Flink and logging
 * only. The job, Avro and the Kafka clients reach the cluster in the submitted jar.
 *
 * <p>Without Flink's start scripts, which compute the memory settings, every TaskManager memory
 * component and {@code taskmanager.cpu.cores} are set explicitly, and the JVM sizes follow from them.
 * Everything binds to 127.0.0.1; the REST and JobManager RPC ports are free ports chosen at start, the
 * rest are ephemeral. Each JVM logs to {@code logs/<name>.log} under its run directory.
 *
 * <p>No cluster JVM outlives the test JVM: each is started by a small shell that holds a pipe from
 * this JVM and stops the cluster JVM when the pipe closes -- on {@link #close()}, at this JVM's exit,
 * or when this JVM is killed. {@link ClusterProcess#jvm()} is the cluster JVM itself, so {@link #kill}
 * is a real SIGKILL of it.
 */
public final class FlinkStandaloneCluster implements AutoCloseable {

    /** The file with the classpath of the cluster JVMs. */
    public static final String CLASSPATH_FILE_PROPERTY = "ballast.cluster.classpath-file";
    /** The directory the runs of the cluster go to (configuration, working directories, logs). */
    public static final String DIR_PROPERTY = "ballast.cluster.dir";

    private static final Logger LOG = LoggerFactory.getLogger(FlinkStandaloneCluster.class);
    private static final String HOST = "127.0.0.1";
    private static final String JOB_MANAGER_MAIN = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    private static final String TASK_MANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

    /**
     * The module openings Flink needs on Java 17 (those of the distribution's default config.yaml and of
     * docker/conf/config.yaml); without them jar submission fails with InaccessibleObjectException.
     */
    private static final List<String> JAVA_17_OPENS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    /**
     * Runs the cluster JVM (its arguments) as a child, writes the child's pid to
     * {@code $BALLAST_PID_FILE}, and keeps a watcher on this JVM's pipe (a copy of stdin on descriptor
     * 3; an asynchronous command's own stdin is /dev/null): when the pipe closes, the watcher stops the
     * child, SIGTERM first (Flink shuts down cleanly), SIGKILL if it is still there ten seconds later.
     * Once the child has exited the shell kills the watcher, so that no signal is ever sent to a pid the
     * system may have given to another process since.
     */
    private static final String WATCHDOG = String.join("\n",
            "exec 3<&0",
            "\"$@\" </dev/null 3<&- &",
            "child=$!",
            "echo \"$child\" > \"$BALLAST_PID_FILE\"",
            "{ cat <&3 >/dev/null; kill -TERM \"$child\" 2>/dev/null; sleep 10; kill -KILL \"$child\" 2>/dev/null; } </dev/null >/dev/null 2>&1 &",
            "watcher=$!",
            "exec 3<&-",
            "wait \"$child\"",
            "status=$?",
            "kill \"$watcher\" 2>/dev/null",
            "exit \"$status\"");
    private static final Duration PID_TIMEOUT = Duration.ofSeconds(30);

    /** Sizes of one TaskManager; the JVM flags are derived from them as Flink's scripts would. */
    private static final int TM_FRAMEWORK_HEAP_MB = 64;
    private static final int TM_TASK_HEAP_MB = 256;
    private static final int TM_FRAMEWORK_OFF_HEAP_MB = 128;
    private static final int TM_TASK_OFF_HEAP_MB = 0;
    private static final int TM_NETWORK_MB = 64;
    private static final int TM_MANAGED_MB = 160;
    private static final int TM_METASPACE_MB = 192;
    private static final int TM_OVERHEAD_MB = 96;

    private final Path runDir;
    private final Path confDir;
    private final Path logDir;
    private final String classpath;
    private final Path log4jConfig;
    private final int restPort;
    private final FlinkRest rest;
    private final List<ClusterProcess> processes = new CopyOnWriteArrayList<>();
    private final AtomicInteger taskManagerNumber = new AtomicInteger();
    private final Thread shutdownHook = new Thread(this::stopAll, "flink-cluster-shutdown");
    private ClusterProcess jobManager;
    private boolean closed;

    private FlinkStandaloneCluster(Path runDir, String classpath, Path log4jConfig, int restPort) {
        this.runDir = runDir;
        this.confDir = runDir.resolve("conf");
        this.logDir = runDir.resolve("logs");
        this.classpath = classpath;
        this.log4jConfig = log4jConfig;
        this.restPort = restPort;
        this.rest = new FlinkRest(URI.create("http://" + HOST + ":" + restPort));
    }

    /**
     * Writes the configuration ({@code extra} on top of the defaults here), starts the JobManager and
     * {@code taskManagers} TaskManagers, and waits until the REST API shows all of them registered.
     */
    public static FlinkStandaloneCluster start(int taskManagers, int slotsPerTaskManager, Map<String, String> extra,
                                               Duration timeout) {
        Path base = Path.of(requiredProperty(DIR_PROPERTY));
        Path runDir = base.resolve("run-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        FlinkStandaloneCluster cluster = new FlinkStandaloneCluster(runDir, readClasspath(), log4jConfig(), Ports.free());
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        try {
            cluster.writeConfig(slotsPerTaskManager, extra);
            long started = System.nanoTime();
            cluster.jobManager = cluster.launch("jobmanager", JOB_MANAGER_MAIN, cluster.jobManagerJvm());
            for (int i = 0; i < taskManagers; i++) {
                cluster.startTaskManager();
            }
            cluster.awaitTaskManagers(taskManagers, timeout);
            LOG.info("Flink standalone cluster (1 JobManager, {} TaskManagers x {} slots) up in {} ms; web UI and REST at {}; run directory {}",
                    taskManagers, slotsPerTaskManager, Duration.ofNanos(System.nanoTime() - started).toMillis(),
                    cluster.rest.base(), runDir);
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** The REST API (and web UI) of the JobManager. */
    public FlinkRest rest() {
        return rest;
    }

    public Path runDir() {
        return runDir;
    }

    /** Where checkpoints go: the cluster's {@code execution.checkpointing.dir}, a directory every process sees. */
    public URI checkpointDir() {
        return runDir.resolve("checkpoints").toUri();
    }

    /** The JobManager's log, e.g. for a failure message. */
    public Path jobManagerLog() {
        return jobManager.log();
    }

    /** Starts one more TaskManager JVM; it registers at the ResourceManager by itself. */
    public synchronized ClusterProcess startTaskManager() {
        if (closed) {
            throw new IllegalStateException("The cluster is closed");
        }
        String name = "taskmanager-" + taskManagerNumber.incrementAndGet();
        return launch(name, TASK_MANAGER_MAIN, taskManagerJvm());
    }

    /** The TaskManager JVMs started so far, the killed ones included. */
    public List<ClusterProcess> taskManagers() {
        return processes.stream().filter(p -> p.name().startsWith("taskmanager-")).toList();
    }

    /** Kills the process with SIGKILL (no shutdown hooks, no goodbye to the JobManager) and waits until it is gone. */
    public void kill(ClusterProcess process) {
        process.jvm().destroyForcibly(); // SIGKILL on Linux
        if (!awaitExit(process.jvm(), STOP_TIMEOUT)) {
            throw new IllegalStateException(process.name() + " (pid " + process.pid() + ") did not die of SIGKILL");
        }
        closeQuietly(process);
        awaitExit(process.shell().toHandle(), STOP_TIMEOUT);
        LOG.info("Killed {} (pid {}) with SIGKILL", process.name(), process.pid());
    }

    /** Waits until the ResourceManager has exactly {@code count} TaskManagers registered. */
    public void awaitTaskManagers(int count, Duration timeout) {
        Await.until(timeout, "the JobManager at " + rest.base() + " to have " + count + " TaskManagers registered (log: "
                + jobManager.log() + ")", () -> {
            if (!jobManager.jvm().isAlive()) {
                throw new IllegalStateException("The JobManager exited; see " + jobManager.log() + " and its .out file");
            }
            JsonNode overview = rest.getOrNull("/overview");
            return overview != null && overview.path("taskmanagers").asInt() == count;
        });
    }

    // ----------------------------------------------------------------------------- configuration

    private void writeConfig(int slots, Map<String, String> extra) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("jobmanager.rpc.address", HOST);
        config.put("jobmanager.rpc.port", Integer.toString(Ports.free()));
        config.put("jobmanager.bind-host", HOST);
        config.put("taskmanager.host", HOST);
        config.put("taskmanager.bind-host", HOST);
        config.put("rest.address", HOST);
        config.put("rest.bind-address", HOST);
        config.put("rest.port", Integer.toString(restPort));
        config.put("blob.server.port", "0");
        config.put("taskmanager.numberOfTaskSlots", Integer.toString(slots));
        // Without taskmanager.sh: every memory component, and the CPU cores, explicitly.
        config.put("taskmanager.cpu.cores", Integer.toString(slots));
        config.put("taskmanager.memory.framework.heap.size", TM_FRAMEWORK_HEAP_MB + "m");
        config.put("taskmanager.memory.task.heap.size", TM_TASK_HEAP_MB + "m");
        config.put("taskmanager.memory.framework.off-heap.size", TM_FRAMEWORK_OFF_HEAP_MB + "m");
        config.put("taskmanager.memory.task.off-heap.size", TM_TASK_OFF_HEAP_MB + "m");
        config.put("taskmanager.memory.network.min", TM_NETWORK_MB + "m");
        config.put("taskmanager.memory.network.max", TM_NETWORK_MB + "m");
        config.put("taskmanager.memory.managed.size", TM_MANAGED_MB + "m");
        config.put("taskmanager.memory.jvm-metaspace.size", TM_METASPACE_MB + "m");
        config.put("taskmanager.memory.jvm-overhead.min", TM_OVERHEAD_MB + "m");
        config.put("taskmanager.memory.jvm-overhead.max", TM_OVERHEAD_MB + "m");
        config.put("jobmanager.memory.heap.size", "384m");
        // A user main that calls System.exit (a bad argument) must not take the JobManager with it.
        config.put("cluster.intercept-user-system-exit", "THROW");
        // The REST API's metrics are fetched from the TaskManagers this often (default 10 s).
        config.put("metrics.fetcher.update-interval", "1000");
        config.put("web.tmpdir", runDir.resolve("jobmanager").resolve("web").toString());
        // Shared by every process, as a distributed file system would be.
        config.put("execution.checkpointing.dir", checkpointDir().toString());
        config.putAll(extra);
        StringBuilder yaml = new StringBuilder("# Written by FlinkStandaloneCluster (cluster-test).\n");
        config.forEach((k, v) -> yaml.append(k).append(": ").append(yamlString(v)).append('\n'));
        try {
            Files.createDirectories(confDir);
            Files.createDirectories(logDir);
            Files.writeString(confDir.resolve("config.yaml"), yaml.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the cluster configuration to " + confDir, e);
        }
    }

    private static String yamlString(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private List<String> jobManagerJvm() {
        return List.of("-Xms128m", "-Xmx384m", "-XX:MaxMetaspaceSize=256m", "-XX:+UseSerialGC",
                // The JobManager does little computing: C1 only starts it faster on two busy cores.
                "-XX:TieredStopAtLevel=1");
    }

    /** The JVM flags taskmanager.sh derives from the memory configuration. */
    private List<String> taskManagerJvm() {
        int heap = TM_FRAMEWORK_HEAP_MB + TM_TASK_HEAP_MB;
        int direct = TM_FRAMEWORK_OFF_HEAP_MB + TM_TASK_OFF_HEAP_MB + TM_NETWORK_MB;
        return List.of("-Xms" + heap + "m", "-Xmx" + heap + "m", "-XX:MaxDirectMemorySize=" + direct + "m",
                "-XX:MaxMetaspaceSize=" + TM_METASPACE_MB + "m", "-XX:+UseSerialGC");
    }

    // -------------------------------------------------------------------------------- processes

    private ClusterProcess launch(String name, String mainClass, List<String> jvmFlags) {
        Path workDir = runDir.resolve(name);
        Path tmp = workDir.resolve("tmp");
        Path log = logDir.resolve(name + ".log");
        Path out = logDir.resolve(name + ".out");
        List<String> java = new ArrayList<>();
        java.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        java.addAll(jvmFlags);
        java.addAll(JAVA_17_OPENS);
        java.add("-Dlog.file=" + log);
        java.add("-Dlog4j.configurationFile=" + log4jConfig.toUri());
        java.add("-Djava.io.tmpdir=" + tmp);
        java.add("-classpath");
        java.add(classpath);
        java.add(mainClass);
        java.add("--configDir");
        java.add(confDir.toString());
        java.add("-Dprocess.working-dir=" + workDir);
        java.add("-Dio.tmp.dirs=" + tmp);
        if (mainClass.equals(TASK_MANAGER_MAIN)) {
            java.add("-Dtaskmanager.resource-id=" + name); // the id the REST API shows for it
            // RocksDB's own LOG files, which Flink would otherwise move next to the process logs.
            java.add("-Dstate.backend.rocksdb.log.dir=" + workDir.resolve("rocksdb-log"));
        }
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", WATCHDOG, "flink-" + name));
        command.addAll(java);
        Path pidFile = workDir.resolve(name + ".pid");
        Process shell;
        try {
            Files.createDirectories(tmp);
            Files.deleteIfExists(pidFile);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            builder.environment().put("BALLAST_PID_FILE", pidFile.toString());
            shell = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + name + ": " + command, e);
        }
        ProcessHandle jvm = awaitPid(name, shell, pidFile);
        ClusterProcess process = new ClusterProcess(name, shell, jvm, log);
        processes.add(process);
        LOG.info("Started {} (pid {}), log {}", name, jvm.pid(), log);
        return process;
    }

    /** The cluster JVM, once the watchdog shell has written its pid. */
    private static ProcessHandle awaitPid(String name, Process shell, Path pidFile) {
        long[] pid = {-1};
        Await.until(PID_TIMEOUT, "the pid of " + name + " in " + pidFile, () -> {
            if (!shell.isAlive() && !Files.exists(pidFile)) {
                throw new IllegalStateException("The launcher of " + name + " exited with " + shell.exitValue());
            }
            try {
                String text = Files.exists(pidFile) ? Files.readString(pidFile).trim() : "";
                if (!text.isEmpty()) {
                    pid[0] = Long.parseLong(text);
                    return true;
                }
                return false;
            } catch (IOException | NumberFormatException partlyWritten) {
                return false;
            }
        });
        return ProcessHandle.of(pid[0]).orElseThrow(() -> new IllegalStateException(
                name + " (pid " + pid[0] + ") exited at once; see its .out and .log files"));
    }

    /** Stops every cluster JVM still running: SIGTERM, then SIGKILL after a grace period. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException jvmShuttingDown) {
            // The hook runs or ran anyway.
        }
    }

    private void stopAll() {
        List<ClusterProcess> all = new ArrayList<>(processes);
        // TaskManagers first: the JobManager would otherwise see them fail.
        all.sort((a, b) -> Boolean.compare(a == jobManager, b == jobManager));
        for (ClusterProcess p : all) {
            if (p.jvm().isAlive()) {
                p.jvm().destroy(); // SIGTERM
            }
        }
        for (ClusterProcess p : all) {
            if (!awaitExit(p.jvm(), STOP_TIMEOUT)) {
                LOG.warn("{} (pid {}) did not stop within {}; killing it", p.name(), p.pid(), STOP_TIMEOUT);
                p.jvm().destroyForcibly();
                awaitExit(p.jvm(), STOP_TIMEOUT);
            }
            closeQuietly(p);
            if (!awaitExit(p.shell().toHandle(), STOP_TIMEOUT)) {
                p.shell().destroyForcibly();
            }
        }
    }

    /** The cluster JVMs (or their launchers) still alive: none after {@link #close()}. */
    public List<ClusterProcess> alive() {
        return processes.stream().filter(p -> p.jvm().isAlive() || p.shell().isAlive()).toList();
    }

    private static void closeQuietly(ClusterProcess p) {
        try {
            p.shell().getOutputStream().close(); // the watchdog's pipe
        } catch (IOException ignored) {
            // Gone already.
        }
    }

    private static boolean awaitExit(ProcessHandle handle, Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return !handle.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !handle.isAlive();
        }
    }

    // ---------------------------------------------------------------------------------- helpers

    private static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("System property " + name + " is not set: run the cluster test through Maven "
                    + "(./mvnw -B verify -pl cluster-test -am), whose failsafe configuration sets it.");
        }
        return value;
    }

    private static String readClasspath() {
        Path file = Path.of(requiredProperty(CLASSPATH_FILE_PROPERTY));
        try {
            String classpath = Files.readString(file, StandardCharsets.UTF_8).trim();
            for (String entry : classpath.split(java.io.File.pathSeparator)) {
                String jar = Path.of(entry).getFileName().toString();
                // Avro on the cluster's classpath as well as in the job jar is a LinkageError at run time.
                if (jar.startsWith("avro-") || jar.startsWith("flink-avro") || jar.startsWith("kafka")
                        || jar.startsWith("flink-connector-kafka") || jar.startsWith("ballast-")) {
                    throw new IllegalStateException("The cluster classpath " + file + " holds " + entry
                            + ": only the job jar may bring the job's libraries");
                }
            }
            return classpath;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the cluster classpath " + file, e);
        }
    }

    private static Path log4jConfig() {
        URL url = FlinkStandaloneCluster.class.getResource("/cluster/log4j-cluster.properties");
        if (url == null) {
            throw new IllegalStateException("cluster/log4j-cluster.properties is not on the test classpath");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One cluster JVM ({@code jvm}) and the watchdog shell that started it. */
    public record ClusterProcess(String name, Process shell, ProcessHandle jvm, Path log) {
        public long pid() {
            return jvm.pid();
        }
    }
}
