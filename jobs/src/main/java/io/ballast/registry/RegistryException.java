package io.ballast.registry;

import java.io.IOException;

/** The registry answered with an error, or could not be reached after all retries. */
public class RegistryException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Confluent error code for "schema not found". */
    public static final int SCHEMA_NOT_FOUND = 40403;
    /** Confluent error code for "subject not found". */
    public static final int SUBJECT_NOT_FOUND = 40401;
    /** Confluent error code for "version not found". */
    public static final int VERSION_NOT_FOUND = 40402;

    private final int httpStatus;
    private final int errorCode;
    private boolean tlsFailure;

    public RegistryException(String message, int httpStatus, int errorCode) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public RegistryException(String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = -1;
        this.errorCode = -1;
    }

    /** The TLS handshake failed: an untrusted or wrong certificate, or a client certificate refused. */
    static RegistryException tls(String message, Throwable cause) {
        RegistryException e = new RegistryException(message, cause);
        e.tlsFailure = true;
        return e;
    }

    /** Whether the TLS handshake with the registry failed (never retried). */
    public boolean isTlsFailure() {
        return tlsFailure;
    }

    /** Whether the registry refused the credentials (HTTP 401) or what they may do (403). */
    public boolean isAuthFailure() {
        return httpStatus == 401 || httpStatus == 403;
    }

    /** HTTP status, or -1 when no answer was received. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Confluent error code from the body ({@code error_code}), or -1. */
    public int errorCode() {
        return errorCode;
    }

    public boolean isNotFound() {
        return httpStatus == 404;
    }
}
