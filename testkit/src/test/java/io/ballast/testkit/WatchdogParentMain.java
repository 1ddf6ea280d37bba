package io.ballast.testkit;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A parent that starts {@link SleeperMain} as a {@link ChildJvm}, prints the child's pid and waits to be
 * killed: the watchdog test kills it with SIGKILL and checks that the child goes too.
 */
public final class WatchdogParentMain {

    private WatchdogParentMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path scratch = Path.of(args[0]);
        List<Path> classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(Path::of).toList();
        ChildJvm child = ChildJvm.start("sleeper", List.of("-Xmx32m"), classpath, SleeperMain.class.getName(),
                List.of(), scratch, scratch.resolve("child.log"));
        System.out.println("CHILD " + child.pid());
        System.out.flush();
        Thread.sleep(600_000);
    }
}
