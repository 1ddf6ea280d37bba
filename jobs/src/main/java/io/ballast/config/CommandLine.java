package io.ballast.config;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * What every Ballast program does with its command line before and after parsing it: {@code --help}
 * or {@code -h} shows the options; bad configuration is reported as one line,
 * {@code <program>: <message>}, without a stack trace unless debugging is asked for with
 * {@code --debug} or the environment variable {@code BALLAST_DEBUG=1}. Free of Flink (the chain tool
 * runs from the lean job jar).
 */
public final class CommandLine {

    /** The flag that asks for stack traces. */
    public static final String DEBUG_KEY = "debug";
    /** The environment variable that asks for stack traces: {@code 1}, {@code true} or {@code yes}. */
    public static final String DEBUG_ENV = "BALLAST_DEBUG";
    /** The description of {@code --debug}, the same in every program. */
    public static final String DEBUG_DESCRIPTION = "Show the stack trace of a failure, bad configuration included"
            + " (without it: one line naming the option and the value). Also: the environment variable "
            + DEBUG_ENV + "=1.";

    /** Exit status of a program ended by bad configuration (the job, which never exits, throws instead). */
    public static final int BAD_CONFIGURATION = 2;

    private CommandLine() {
    }

    /**
     * Whether {@code --help} or {@code -h} is among the arguments; arguments after a lone {@code --}
     * belong to another program (the sandbox passes them to the job) and are not looked at.
     */
    public static boolean helpAsked(List<String> args) {
        for (String a : args) {
            if (a.equals("--")) {
                return false;
            }
            if (a.equals("--help") || a.equals("-h")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether stack traces are asked for: {@code --debug} (or {@code --debug=true}, {@code --debug true})
     * before any lone {@code --}, or {@link #DEBUG_ENV} set to 1, true or yes.
     */
    public static boolean debug(List<String> args, Function<String, String> env) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                break;
            }
            if (a.equals("--debug=true")
                    || (a.equals("--debug") && (i + 1 == args.size() || !args.get(i + 1).equalsIgnoreCase("false")))) {
                return true;
            }
        }
        String v = env.apply(DEBUG_ENV);
        return v != null && List.of("1", "true", "yes").contains(v.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * Reports a failure as one line on {@code err}, {@code <program>: <message>}, and with {@code debug}
     * its stack trace after it.
     */
    public static void report(String program, Throwable failure, boolean debug, PrintStream err) {
        err.println(program + ": " + oneLine(failure));
        if (debug) {
            failure.printStackTrace(err);
        }
        err.flush();
    }

    /** The failure's message on one line (its type when it has none). */
    public static String oneLine(Throwable failure) {
        String message = failure.getMessage();
        if (message == null || message.isBlank()) {
            return failure.toString();
        }
        return message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
