package io.ballast.bench.harness;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class HarnessRatiosTest {

    private static Map<String, Object> run(double cpuSeconds, double jitSeconds) {
        return Map.of("cpuSeconds", cpuSeconds,
                "cpuSecondsByThread", Map.of(ThreadCpu.JIT, jitSeconds, "market -> (vol-skew)", 1.0));
    }

    @Test
    void cpuWithoutJitLeavesOutTheCompilerThreadsOnly() {
        assertThat(Harness.cpuWithoutJit(run(10.0, 3.5))).isCloseTo(6.5, within(1e-12));
        assertThat(Harness.cpuWithoutJit(Map.of("cpuSeconds", 4.0, "cpuSecondsByThread", Map.of("main", 1.0))))
                .isEqualTo(4.0);
    }

    @Test
    void theLeastRatioComparesEachSidesQuietestRun() {
        // b: 9 and 7 without JIT; c: 12 and 10.5 -> 10.5 / 7, whichever runs were paired.
        List<Map<String, Object>> bs = List.of(run(12, 3), run(9, 2));
        List<Map<String, Object>> cs = List.of(run(13.5, 3), run(16, 4));
        assertThat(Harness.leastRatio(cs, bs)).isCloseTo(1.5, within(1e-12));
    }
}
