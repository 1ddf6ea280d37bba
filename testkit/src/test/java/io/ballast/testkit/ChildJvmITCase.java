package io.ballast.testkit;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A child JVM never outlives its parent, whether the parent stops it or dies without a word. */
class ChildJvmITCase {

    /** Alive and not a zombie (an exited child its new parent has not reaped yet). */
    static boolean running(long pid) {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (java.io.IOException | RuntimeException e) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }

    private static List<Path> classpath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of).toList();
    }

    @Test
    void closeStopsTheChild() throws Exception {
        Path scratch = Files.createDirectories(Path.of("target", "it-childjvm", "close"));
        ChildJvm child = ChildJvm.start("sleeper", List.of("-Xmx32m"), classpath(), SleeperMain.class.getName(),
                List.of(), scratch, scratch.resolve("child.log"));
        assertThat(child.isAlive()).isTrue();
        child.close();
        assertThat(child.isAlive()).isFalse();
    }

    @Test
    void theChildDiesWhenItsParentIsKilled() throws Exception {
        Path scratch = Files.createDirectories(Path.of("target", "it-childjvm", "kill").toAbsolutePath());
        Process parent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), WatchdogParentMain.class.getName(),
                scratch.toString())
                .redirectErrorStream(true)
                .start();
        long childPid;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
            String line = r.readLine();
            assertThat(line).startsWith("CHILD ");
            childPid = Long.parseLong(line.substring("CHILD ".length()).trim());
            Optional<ProcessHandle> child = ProcessHandle.of(childPid);
            assertThat(child).isPresent();
            assertThat(child.get().isAlive()).isTrue();

            parent.destroyForcibly(); // SIGKILL: no shutdown hook runs in the parent
            assertThat(parent.waitFor(10, TimeUnit.SECONDS)).isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (running(childPid) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }
        assertThat(running(childPid))
                .as("child " + childPid + " after its parent was killed").isFalse();
        assertThat(Files.readString(scratch.resolve("child.log"))).contains("ParentWatchdog: parent");
    }
}
