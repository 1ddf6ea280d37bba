package io.ballast.evolution;

import io.ballast.avro.internal.InventoryMeta;
import io.ballast.avro.internal.Position;
import io.ballast.config.BallastConfig;
import io.ballast.job.BallastJob;
import io.ballast.kafka.KafkaIo;
import io.ballast.testkit.BallastRig;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.util.TestStreamEnvironment;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The Ballast job in a JVM of its own, run by {@link ChildJobRun} with changed state classes ahead of the
 * real ones on the classpath. Arguments: {@code <savepoint> <parallelism> <ballast options...>}.
 * Flink's own restart strategy default applies (exponential delay, no limit), as on a cluster that
 * configures none. Reports on stdout, one line each, prefixed {@value #PREFIX}: the state types it
 * runs with, every change of job status or restart count, and the failure of a failed job. Stops, its
 * job cancelled, on SIGTERM (its parent's close) or when its parent goes away (the kit's watchdog).
 */
public final class ChildJob {

    static final String PREFIX = "CHILD ";

    private ChildJob() {
    }

    public static void main(String[] args) throws Exception {
        String savepoint = args[0];
        int parallelism = Integer.parseInt(args[1]);
        BallastConfig config = BallastConfig.fromArgs(Arrays.copyOfRange(args, 2, args.length));
        say("types InventoryMeta=" + InventoryMeta.getClassSchema().getFields().size()
                + " Position=" + Position.getClassSchema().getFields().size());
        KafkaIo.checkCluster(config, BallastJob.topics(config));

        Configuration conf = BallastJob.flinkConfiguration(config);
        conf.setString("execution.state-recovery.path", savepoint);
        MiniClusterConfiguration cluster = new MiniClusterConfiguration.Builder()
                .setConfiguration(conf).setNumTaskManagers(1).setNumSlotsPerTaskManager(parallelism).build();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown(); // cancel the job, then let the JVM go
            try {
                ended.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "stop"));

        try (MiniCluster mini = new MiniCluster(cluster)) {
            mini.start();
            TestStreamEnvironment.setAsContext(mini, parallelism);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.configure(conf);
            BallastJob.build(env, config);
            JobClient job = env.executeAsync("ballast-child");
            say("submitted " + job.getJobID());
            String last = "";
            while (!stop.await(100, TimeUnit.MILLISECONDS)) {
                JobStatus status = job.getJobStatus().get(30, TimeUnit.SECONDS);
                int restarts = status.isGloballyTerminalState() ? -1 : BallastRig.restarts(mini, job.getJobID());
                String now = "status=" + status + (restarts >= 0 ? " restarts=" + restarts : "");
                if (!now.equals(last)) {
                    say(now);
                    last = now;
                }
                if (status == JobStatus.FAILED) {
                    try {
                        job.getJobExecutionResult().get(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        StringWriter trace = new StringWriter();
                        e.printStackTrace(new PrintWriter(trace));
                        for (String line : trace.toString().split("\n")) {
                            say("failure " + line);
                        }
                    }
                    say("done");
                    return;
                }
                if (status.isGloballyTerminalState()) {
                    say("done");
                    return;
                }
            }
            job.cancel().get(30, TimeUnit.SECONDS);
            say("done");
        } finally {
            TestStreamEnvironment.unsetAsContext();
            ended.countDown();
            System.exit(0); // Kafka and Flink threads must not keep this JVM
        }
    }

    private static synchronized void say(String line) {
        System.out.println(PREFIX + line);
        System.out.flush();
    }
}
