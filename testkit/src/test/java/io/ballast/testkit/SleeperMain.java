package io.ballast.testkit;

/** A program that does nothing for a long time: the child in the watchdog tests. */
public final class SleeperMain {

    private SleeperMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.println("sleeping");
        Thread.sleep(600_000);
    }
}
