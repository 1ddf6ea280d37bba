package io.ballast.bench.harness;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ThreadCpuTest {

    @Test
    void groupsSubtasksAndNumberedThreadsTogether() {
        assertThat(ThreadCpu.group("market -> (market snapshots) (1/2)#0")).isEqualTo("market -> (market snapshots)");
        assertThat(ThreadCpu.group("market -> (market snapshots) (2/2)#0")).isEqualTo("market -> (market snapshots)");
        assertThat(ThreadCpu.group("data-plane-kafka-request-handler-7")).isEqualTo("data-plane-kafka-request-handler-N");
    }

    @Test
    void attributesTheCpuOfAThreadThatEndedToItsGroup() throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        ThreadCpu cpu = new ThreadCpu();
        Thread busy = new Thread(() -> {
            double x = 0;
            while (mx.getCurrentThreadCpuTime() < 300_000_000L) {
                for (int i = 0; i < 100_000; i++) {
                    x += Math.sqrt(i + x);
                }
            }
            if (x == 42) {
                System.out.println(x);
            }
        }, "busy-worker-3");
        busy.start();
        busy.join();
        Map<String, Double> groups = cpu.stopAndGroup();
        // What a thread used after the sampler's last reading before it ended (about 100 ms, more when this
        // machine is loaded) is lost; never more than it used.
        assertThat(groups.get("busy-worker-N")).isGreaterThan(0.05).isLessThanOrEqualTo(0.35);
        // On Linux the JVM's compiler and GC threads are read from /proc and reported apart.
        assertThat(groups).containsKeys(ThreadCpu.JIT, ThreadCpu.GC, "(other VM)");
    }

    @Test
    void theJvmsOwnThreadsAreFoundByTheirKernelNames() {
        assertThat(ThreadCpu.vmKind("C2 CompilerThre")).isEqualTo(ThreadCpu.JIT);
        assertThat(ThreadCpu.vmKind("C1 CompilerThre")).isEqualTo(ThreadCpu.JIT);
        assertThat(ThreadCpu.vmKind("GC Thread#1")).isEqualTo(ThreadCpu.GC);
        assertThat(ThreadCpu.vmKind("G1 Conc#0")).isEqualTo(ThreadCpu.GC);
        assertThat(ThreadCpu.vmKind("VM Thread")).isNull();
        assertThat(ThreadCpu.vmKind("main")).isNull();
        // This JVM has compiled something by now: its compiler threads have used CPU.
        assertThat(ThreadCpu.vmThreadTicks().get(ThreadCpu.JIT)).isPositive();
    }
}
