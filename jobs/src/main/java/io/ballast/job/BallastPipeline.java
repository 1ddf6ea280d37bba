package io.ballast.job;

import io.ballast.config.BallastConfig;

/**
 * The pipeline of the design: market stage, inventory stage, signals. Takes streams, returns streams;
 * sources and sinks are the caller's.
 */
public final class BallastPipeline {

    private BallastPipeline() {
    }

    public static Outputs build(Inputs inputs, BallastConfig config) {
        // The market and inventory stages come with the job issue; until then only rejections flow out.
        return new Outputs(null, null, null, inputs.rejected());
    }
}
