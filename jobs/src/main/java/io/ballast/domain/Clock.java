package io.ballast.domain;

import java.time.Instant;

/** The wall clock of the job's own measurements (never of its decisions, which use event time). */
public final class Clock {

    private Clock() {
    }

    /** The wall clock in epoch microseconds: the time base of the quote-to-signal latency. */
    public static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
