package io.ballast.sandbox.infra;

import io.ballast.sandbox.SandboxException;
import io.ballast.sandbox.watchdog.ParentWatchdog;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A program run in a child JVM that cannot outlive this one: its {@code main} runs under
 * {@link ParentWatchdog}, which ends it when this JVM exits for any reason, SIGKILL included; and
 * {@link #close()} (also run from a shutdown hook) stops it and its descendants, gracefully first.
 */
public final class ChildJvm implements AutoCloseable {

    private static final long GRACEFUL_STOP_SECONDS = 10;

    private final String name;
    private final Process process;
    private final Thread shutdownHook;

    private ChildJvm(String name, Process process) {
        this.name = name;
        this.process = process;
        this.shutdownHook = new Thread(this::stop, "stop-" + name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * @param scratch a directory for the watchdog's class file
     * @param log where the program's stdout and stderr go
     */
    public static ChildJvm start(String name, List<String> jvmOptions, List<Path> classpath, String mainClass,
                                 List<String> args, Path scratch, Path log) {
        Path watchdogRoot = installWatchdog(scratch);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        StringBuilder cp = new StringBuilder(watchdogRoot.toString());
        for (Path p : classpath) {
            cp.append(File.pathSeparatorChar).append(p);
        }
        command.add(cp.toString());
        command.add(ParentWatchdog.class.getName());
        command.add(Long.toString(ProcessHandle.current().pid()));
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        try {
            return new ChildJvm(name, pb.start());
        } catch (IOException e) {
            throw new SandboxException("Cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    /** Copies the watchdog's single class file where the child's classpath can reach it. */
    private static Path installWatchdog(Path scratch) {
        String resource = ParentWatchdog.class.getName().replace('.', '/') + ".class";
        Path root = scratch.resolve("watchdog-classes");
        Path target = root.resolve(resource);
        try (InputStream in = ParentWatchdog.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new SandboxException("Cannot find " + resource + " on the sandbox's classpath");
            }
            Files.createDirectories(target.getParent());
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            return root;
        } catch (IOException e) {
            throw new SandboxException("Cannot write the watchdog class to " + target + ": " + e.getMessage(), e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the program (SIGTERM, then SIGKILL after a grace period) with everything it started. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook runs (or ran) anyway.
        }
    }

    private synchronized void stop() {
        List<ProcessHandle> descendants = process.descendants().toList();
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(GRACEFUL_STOP_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(GRACEFUL_STOP_SECONDS, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        for (ProcessHandle d : descendants) {
            if (d.isAlive()) {
                d.destroyForcibly();
            }
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
