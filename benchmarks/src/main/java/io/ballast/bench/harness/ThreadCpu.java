package io.ballast.bench.harness;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * CPU time per thread group while a job runs: a daemon thread reads every live thread's CPU time
 * every 100 ms, and what each thread used between the start and its last reading is added to its group
 * (the thread's name with subtask indices, ids and numbers taken out, so both subtasks of an operator,
 * or all of the broker's handler threads, are one group). A thread that ends between two readings loses
 * at most its last 100 ms.
 *
 * <p>The JVM's own threads are not Java threads. On Linux their CPU time is read from
 * {@code /proc/self/task/<tid>/stat} (user + system, in clock ticks of 10 ms) at the start and the end,
 * by name: {@code "(JIT compiler threads)"} (C1/C2 CompilerThread), {@code "(GC threads)"} (G1's
 * workers, concurrent and refinement threads). What remains of the process CPU time is
 * {@code "(other VM)"}: other VM threads and what the readings missed.
 */
final class ThreadCpu implements AutoCloseable {

    private static final Pattern SUBTASK = Pattern.compile("\\s*\\(\\d+/\\d+\\)(#\\d+)?");
    private static final Pattern DIGITS = Pattern.compile("\\d+");

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, long[]> first = new HashMap<>(); // id -> {cpu at first reading, cpu at last}
    private final Map<Long, String> names = new HashMap<>();
    private final long processStart;
    private final Map<String, Long> vmStart = vmThreadTicks();
    private final Thread sampler;
    private volatile boolean stop;

    ThreadCpu() {
        threads.setThreadCpuTimeEnabled(true);
        processStart = Harness.processCpuNanos();
        read(true);
        sampler = new Thread(() -> {
            while (!stop) {
                read(false);
                try {
                    TimeUnit.MILLISECONDS.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-thread-cpu");
        sampler.setDaemon(true);
        sampler.start();
    }

    private synchronized void read(boolean atStart) {
        long[] ids = threads.getAllThreadIds();
        ThreadInfo[] infos = threads.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            long cpu = threads.getThreadCpuTime(ids[i]);
            if (cpu < 0 || infos[i] == null) {
                continue;
            }
            long[] seen = first.get(ids[i]);
            if (seen == null) {
                // A thread started after the first reading used nothing before it.
                first.put(ids[i], new long[] {atStart ? cpu : 0, cpu});
                names.put(ids[i], infos[i].getThreadName());
            } else {
                seen[1] = cpu;
            }
        }
    }

    /** @return CPU seconds by thread group, largest first, then the unaccounted rest */
    Map<String, Double> stopAndGroup() throws InterruptedException {
        stop = true;
        sampler.interrupt();
        sampler.join();
        read(false);
        long process = Harness.processCpuNanos() - processStart;
        Map<String, Long> groups = new HashMap<>();
        long sum = 0;
        for (Map.Entry<Long, long[]> e : first.entrySet()) {
            if (e.getKey() == sampler.getId()) {
                continue;
            }
            long used = e.getValue()[1] - e.getValue()[0];
            sum += used;
            groups.merge(group(names.get(e.getKey())), used, Long::sum);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        List<Map.Entry<String, Long>> sorted = groups.entrySet().stream()
                .filter(e -> e.getValue() >= 10_000_000L)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .toList();
        for (Map.Entry<String, Long> e : sorted) {
            out.put(e.getKey(), Math.round(e.getValue() / 1e7) / 100.0);
        }
        Map<String, Long> vmEnd = vmThreadTicks();
        long nanosPerTick = 10_000_000L; // USER_HZ is 100 on Linux
        for (String vm : List.of(JIT, GC)) {
            long used = (vmEnd.getOrDefault(vm, 0L) - vmStart.getOrDefault(vm, 0L)) * nanosPerTick;
            if (vmEnd.containsKey(vm)) {
                out.put(vm, Math.round(used / 1e7) / 100.0);
                sum += used;
            }
        }
        out.put(vmEnd.isEmpty() ? "(GC, JIT, VM)" : "(other VM)", Math.round(Math.max(0, process - sum) / 1e7) / 100.0);
        return out;
    }

    static final String JIT = "(JIT compiler threads)";
    static final String GC = "(GC threads)";

    /**
     * Clock ticks (user + system) of the JVM's compiler and GC threads, by {@link #JIT} and {@link #GC};
     * empty where {@code /proc} is not there.
     */
    static Map<String, Long> vmThreadTicks() {
        Map<String, Long> ticks = new HashMap<>();
        java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
        if (tasks == null) {
            return ticks;
        }
        for (java.io.File task : tasks) {
            try {
                String stat = java.nio.file.Files.readString(task.toPath().resolve("stat"));
                // pid (comm) state ...: comm may hold spaces and parentheses, so split after its last ')'.
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                String comm = stat.substring(open + 1, close);
                String kind = vmKind(comm);
                if (kind == null) {
                    continue;
                }
                String[] f = stat.substring(close + 2).split(" ");
                // After the comm: state is field 3 of stat, so utime (14) and stime (15) are at 11 and 12.
                ticks.merge(kind, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
            } catch (java.io.IOException | RuntimeException e) {
                // the thread ended between the listing and the read
            }
        }
        return ticks;
    }

    /** {@link #JIT}, {@link #GC} or null, from a thread's kernel name (at most 15 characters). */
    static String vmKind(String comm) {
        if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
            return JIT;
        }
        if (comm.startsWith("GC Thread") || comm.startsWith("G1 ")) {
            return GC;
        }
        return null;
    }

    static String group(String threadName) {
        String g = SUBTASK.matcher(threadName).replaceAll("");
        g = DIGITS.matcher(g).replaceAll("N");
        return g.length() > 80 ? g.substring(0, 80) : g;
    }

    @Override
    public void close() {
        stop = true;
        sampler.interrupt();
    }
}
