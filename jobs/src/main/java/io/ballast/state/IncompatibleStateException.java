package io.ballast.state;

import org.apache.flink.runtime.throwable.ThrowableAnnotation;
import org.apache.flink.runtime.throwable.ThrowableType;

/**
 * State in a checkpoint or savepoint that this version of the job cannot read. Restarting cannot help
 * (the next attempt restores the same state with the same code), so Flink fails the job at once
 * instead of restarting it, whatever the restart strategy.
 */
@ThrowableAnnotation(ThrowableType.NonRecoverableError)
public final class IncompatibleStateException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public IncompatibleStateException(String message) {
        super(message);
    }
}
