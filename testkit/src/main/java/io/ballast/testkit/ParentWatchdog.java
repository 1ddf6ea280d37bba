package io.ballast.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Runs another program's {@code main} in a child JVM and ends that JVM when its parent goes away, even
 * when the parent was killed with SIGKILL and could run no cleanup of its own.
 *
 * <p>Two signals, whichever comes first: the parent holds the write end of this process's stdin, so
 * the pipe reaching end-of-file means the parent is gone; and the parent's pid is watched as well.
 *
 * <p>Started as {@code java -cp <dir of this class>:<program classpath> ParentWatchdog <parent pid>
 * <main class> [args...]}. Depends on nothing but the JDK, so that this one class file can be put on
 * any program's classpath.
 */
public final class ParentWatchdog {

    /** How long the program's own shutdown may take before the JVM is halted. */
    private static final long GRACE_MILLIS = 5_000;

    private ParentWatchdog() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 2) {
            System.err.println("usage: ParentWatchdog <parent pid> <main class> [args...]");
            System.exit(2);
        }
        long parentPid = Long.parseLong(args[0]);
        String mainClass = args[1];
        String[] programArgs = Arrays.copyOfRange(args, 2, args.length);

        Thread stdin = new Thread(() -> {
            try (InputStream in = System.in) {
                byte[] buffer = new byte[256];
                while (in.read(buffer) >= 0) {
                    // The parent never writes; anything it does is ignored.
                }
            } catch (IOException e) {
                // A broken pipe means the same as end-of-file.
            }
            exit("parent's pipe closed");
        }, "parent-watchdog-stdin");
        stdin.setDaemon(true);
        stdin.start();

        ProcessHandle.of(parentPid).ifPresentOrElse(
                parent -> parent.onExit().thenRun(() -> exit("parent " + parentPid + " exited")),
                () -> exit("parent " + parentPid + " not running"));

        Method main = Class.forName(mainClass).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) programArgs);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void exit(String why) {
        System.err.println("ParentWatchdog: " + why + ", exiting");
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(GRACE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(1);
        }, "parent-watchdog-halt");
        halt.setDaemon(true);
        halt.start();
        System.exit(0);
    }
}
