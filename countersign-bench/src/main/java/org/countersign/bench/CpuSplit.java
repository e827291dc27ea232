package org.countersign.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import com.sun.management.OperatingSystemMXBean;

/**
 * Where the CPU of a load run went, when the node, the load generator and PostgreSQL share one machine: each JVM
 * thread's CPU clock, sorted into the node's threads and the generator's by name, and the machine's busy time from
 * {@code /proc/stat} for the rest (PostgreSQL, other processes). Threads that start and end inside the run count
 * only while alive at the end; the pools of both sides live for the whole run, so that loss is small.
 */
final class CpuSplit {
    private static final long CLOCK_TICKS_PER_SECOND = 100;  // USER_HZ on Linux
    private final ThreadMXBean threads;
    private final Map<Long, Long> startCpu;
    private final long startProcessCpu;
    private final long startMachineBusyTicks;

    private CpuSplit(ThreadMXBean threads, Map<Long, Long> startCpu, long startProcessCpu, long startMachineBusyTicks) {
        this.threads = threads;
        this.startCpu = startCpu;
        this.startProcessCpu = startProcessCpu;
        this.startMachineBusyTicks = startMachineBusyTicks;
    }

    static CpuSplit start() {
        ThreadMXBean t = ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpu = new HashMap<>();
        for (long id : t.getAllThreadIds()) {
            cpu.put(id, Math.max(0, t.getThreadCpuTime(id)));
        }
        return new CpuSplit(t, cpu, processCpuNanos(), machineBusyTicks());
    }

    /** Nanoseconds of CPU since {@link #start}: node threads, generator threads, this JVM, the whole machine. */
    record Used(long nodeNanos, long clientNanos, long processNanos, long machineNanos) {
        String perOperation(long operations) {
            if (operations == 0) {
                return "cpu: no operations";
            }
            double n = operations;
            return String.format(Locale.ROOT, "cpu per operation: node threads %.2f ms, load generator %.2f ms, other"
                    + " threads of this JVM %.2f ms, rest of the machine (PostgreSQL, other processes) %.2f ms;"
                    + " machine total %.2f ms", nodeNanos / n / 1e6, clientNanos / n / 1e6,
                    Math.max(0, processNanos - nodeNanos - clientNanos) / n / 1e6,
                    Math.max(0, machineNanos - processNanos) / n / 1e6, machineNanos / n / 1e6);
        }
    }

    Used stop() {
        long node = 0;
        long client = 0;
        for (long id : threads.getAllThreadIds()) {
            long now = threads.getThreadCpuTime(id);
            var info = threads.getThreadInfo(id);
            if (now < 0 || info == null) {
                continue;
            }
            long used = now - startCpu.getOrDefault(id, 0L);
            if (isNode(info.getThreadName())) {
                node += used;
            } else if (isClient(info.getThreadName())) {
                client += used;
            }
        }
        long machine = (machineBusyTicks() - startMachineBusyTicks) * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
        return new Used(node, client, processCpuNanos() - startProcessCpu, machine);
    }

    /** The node's request threads, its audit writer, database pool and push/listen threads. */
    static boolean isNode(String name) {
        return name.startsWith("JettyServerThreadPool") || name.startsWith("audit-") || name.contains("Hikari")
                || name.startsWith("countersign") || name.startsWith("oob-") || name.startsWith("Scheduler-");
    }

    /** The generator's worker pool and the JDK HTTP client's threads. */
    static boolean isClient(String name) {
        return name.startsWith("pool-") || name.startsWith("HttpClient-");
    }

    private static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    /** user + nice + system + irq + softirq + steal ticks of all CPUs from the first line of /proc/stat. */
    private static long machineBusyTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(f[i]);
            }
            return busy;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
