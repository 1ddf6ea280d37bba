package io.ballast.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** The per-quote hot path allocates nothing (measured with the JVM's per-thread allocation counter). */
class AllocationTest {

  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getThreadAllocatedBytes(Thread.currentThread().getId());
  }

  @Test
  void greeksImpliedVolAndNormalDistributionDoNotAllocate() {
    assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
    Greeks g = new Greeks();
    double sink = 0;
    // The first rounds warm up: C2 must have compiled the loop (and scalar-replaced what it can),
    // which takes longer when earlier tests in the same JVM have filled the compile queue.
    int rounds = 4;
    for (int round = 0; round < rounds; round++) {
      long before = allocatedBytes();
      for (int i = 0; i < 200_000; i++) {
        double k = 60 + (i % 97);
        double t = 0.01 + (i % 13) * 0.1;
        boolean call = (i & 1) == 0;
        Black76.greeks(call, 100, k, t, 0.6, 0.99, g);
        sink += g.vega();
        sink += ImpliedVol.solve(call, g.price(), 100, k, t, 0.99);
        sink += Black76.price(call, 100, k, t, 0.6, 1.0);
        sink += NormalDistribution.cdf(i * 1e-4 - 10) + NormalDistribution.inverseCdf(0.3);
      }
      long allocated = allocatedBytes() - before;
      if (round == rounds - 1) {
        assertThat(allocated).as("bytes allocated by 200,000 iterations").isLessThan(4_096);
      }
    }
    assertThat(sink).isFinite();
  }
}
