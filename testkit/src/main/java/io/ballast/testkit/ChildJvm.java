package io.ballast.testkit;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.function.Consumer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A program run in a child JVM that cannot outlive this one: its {@code main} runs under
 * {@link ParentWatchdog}, which ends it when this JVM exits for any reason, SIGKILL included; and
 * {@link #close()} (also run from a shutdown hook) stops it and its descendants, gracefully first
 * (SIGTERM: the program's shutdown hooks run).
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
        ProcessBuilder pb = command(jvmOptions, classpath, mainClass, args, scratch)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return start(name, pb);
    }

    /**
     * As {@link #start(String, List, List, String, List, Path, Path)}, and every line the program prints
     * (stdout and stderr) also goes to {@code lines}, on a thread of its own, as soon as it is printed.
     */
    public static ChildJvm start(String name, List<String> jvmOptions, List<Path> classpath, String mainClass,
                                 List<String> args, Path scratch, Path log, Consumer<String> lines) {
        ProcessBuilder pb = command(jvmOptions, classpath, mainClass, args, scratch).redirectErrorStream(true);
        ChildJvm child = start(name, pb);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.process.getInputStream(), StandardCharsets.UTF_8));
                 Writer file = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                         StandardOpenOption.APPEND)) {
                String line;
                while ((line = out.readLine()) != null) {
                    file.write(line);
                    file.write('\n');
                    file.flush();
                    lines.accept(line);
                }
            } catch (IOException e) {
                // The child is gone.
            }
        }, name + "-output");
        reader.setDaemon(true);
        reader.start();
        return child;
    }

    /** This JVM's classpath, as a child JVM gets it (surefire and failsafe keep theirs in a property of their own). */
    public static List<Path> currentClasspath() {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) {
            cp = System.getProperty("java.class.path");
        }
        return Arrays.stream(cp.split(File.pathSeparator)).filter(e -> !e.isBlank()).map(Path::of).toList();
    }

    private static ProcessBuilder command(List<String> jvmOptions, List<Path> classpath, String mainClass, List<String> args,
                                          Path scratch) {
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
        return new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE);
    }

    private static ChildJvm start(String name, ProcessBuilder pb) {
        try {
            return new ChildJvm(name, pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    /** Copies the watchdog's single class file where the child's classpath can reach it. */
    private static Path installWatchdog(Path scratch) {
        String resource = ParentWatchdog.class.getName().replace('.', '/') + ".class";
        Path root = scratch.resolve("watchdog-classes");
        Path target = root.resolve(resource);
        try (InputStream in = ParentWatchdog.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Cannot find " + resource + " on the classpath");
            }
            Files.createDirectories(target.getParent());
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the watchdog class to " + target + ": " + e.getMessage(), e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits up to {@code timeout} for the program to end; whether it has. */
    public boolean awaitExit(java.time.Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
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
