package fastnetmon.action;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.config.TrafficClass;
import fastnetmon.detection.Attack;
import fastnetmon.networks.IpAddresses;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;

/** Shared test helpers: a known attack, real shell scripts and log capture. */
final class Fixtures {
    private Fixtures() {
    }

    /** 2014-07-04 13:59:54.778872 UTC in nanoseconds. */
    static final long T0 = nanos(LocalDateTime.of(2014, 7, 4, 13, 59, 54, 778_872_000));

    static long nanos(LocalDateTime utc) {
        var i = utc.toInstant(ZoneOffset.UTC);
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    static void set(HostTraffic t, Direction dir, int cls, double packets, double bytes) {
        t.packets[HostTraffic.index(dir, cls)] = packets;
        t.bytes[HostTraffic.index(dir, cls)] = bytes;
    }

    /** An incoming SYN flood on 10.10.0.5 with known counters (see AttackTextTest for the text). */
    static Attack synFlood(String ip) {
        HostTraffic t = new HostTraffic();
        Direction in = Direction.INCOMING, out = Direction.OUTGOING;
        set(t, in, TrafficClass.TOTAL, 50012, 3_001_000);
        set(t, in, TrafficClass.TCP, 50000, 3_000_000);
        set(t, in, TrafficClass.TCP_SYN, 49990, 2_999_400);
        set(t, in, TrafficClass.UDP, 10, 720);
        set(t, in, TrafficClass.ICMP, 2, 280);
        set(t, in, TrafficClass.FRAGMENTED, 5, 7500);
        set(t, out, TrafficClass.TOTAL, 100, 6425);
        set(t, out, TrafficClass.TCP, 100, 6425);
        t.flows[HostTraffic.index(in, TrafficClass.TOTAL)] = 3000;
        t.flows[HostTraffic.index(out, TrafficClass.TOTAL)] = 20;
        long[] a = IpAddresses.parse(ip);
        return new Attack(ip, a[0], a[1], Direction.INCOMING, "syn_flood", "tcp", t, "pps 50012 > 20000",
                "global", T0);
    }

    static Attack synFlood() {
        return synFlood("10.10.0.5");
    }

    /** Writes an executable bash script. */
    static Path script(Path dir, String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/bash\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    static ListAppender<ILoggingEvent> capture(Class<?> c) {
        Logger logger = (Logger) LoggerFactory.getLogger(c);
        ListAppender<ILoggingEvent> app = new ListAppender<>();
        app.start();
        logger.addAppender(app);
        return app;
    }

    static void release(Class<?> c, ListAppender<ILoggingEvent> app) {
        ((Logger) LoggerFactory.getLogger(c)).detachAppender(app);
    }

    static List<String> messages(ListAppender<ILoggingEvent> app) {
        synchronized (app) { // AppenderBase.doAppend locks the appender
            return app.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).collect(Collectors.toList());
        }
    }

    /** True while /proc shows the pid and it is not a zombie. */
    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }
}
