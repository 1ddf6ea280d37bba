package io.ballast.config;

/** Bad configuration, found at start; the message names the option and the bad value. */
public final class ConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The message alone: no cause and no stack trace, for a console that should show one line. */
    public static ConfigException withoutTrace(String message) {
        ConfigException e = new ConfigException(message);
        e.setStackTrace(new StackTraceElement[0]);
        return e;
    }
}
