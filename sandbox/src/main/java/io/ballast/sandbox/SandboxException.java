package io.ballast.sandbox;

/**
 * A failure the person running the sandbox can act on: printed as one line, without a stack trace
 * (the stack trace goes to the sandbox's log file).
 */
public final class SandboxException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SandboxException(String message) {
        super(message);
    }

    public SandboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
