package io.ballast.testkit;

/** The console lines of the sandbox and the harness. */
public final class Console {

    private Console() {
    }

    /** One line on stdout, whole, whichever thread prints it, flushed at once. */
    public static void say(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }
}
