package fastnetmon.tools;

import fastnetmon.packet.PacketParser;
import fastnetmon.packet.PacketRecord;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a benchmark capture: {@code PcapGenerator OUT.pcap PACKETS [--seed N]} (OUT.pcapng writes pcapng).
 * Small Ethernet frames (60–110 bytes, about 85 on average): TCP SYN, TCP ACK, UDP and ICMP, about 10%
 * IPv6. A quarter of the packets go to and a quarter come from the monitored hosts (2000 in 10.0.0.0/8,
 * 500 in 2001:db8::/32); the rest is between outside hosts. Timestamps start at 2026-01-01 00:00:00 UTC
 * and advance 1 µs per packet.
 */
public final class PcapGenerator {
    public static final long START_NANOS = 1_767_225_600L * 1_000_000_000L;
    static final int MONITORED_V4 = 2000, MONITORED_V6 = 500, OUTSIDE_V4 = 5000, OUTSIDE_V6 = 1000;

    private PcapGenerator() {
    }

    public static void main(String[] args) throws IOException {
        Path out = null;
        long packets = -1, seed = 1;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--seed") && i + 1 < args.length) {
                seed = Long.parseLong(args[++i]);
            } else if (out == null) {
                out = Path.of(args[i]);
            } else if (packets < 0) {
                packets = Long.parseLong(args[i]);
            } else {
                usage();
                return;
            }
        }
        if (out == null || packets < 0) {
            usage();
            return;
        }
        long size = generate(out, packets, seed);
        System.out.println("wrote " + packets + " packets, " + size + " bytes to " + out);
    }

    private static void usage() {
        System.err.println("usage: PcapGenerator OUT.pcap|OUT.pcapng PACKETS [--seed N]");
        System.exit(2);
    }

    /** Writes the file and returns its size in bytes. */
    public static long generate(Path out, long packets, long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] monitored4 = new int[MONITORED_V4], outside4 = new int[OUTSIDE_V4];
        long[] monitored6 = new long[MONITORED_V6], outside6 = new long[OUTSIDE_V6];
        for (int i = 0; i < MONITORED_V4; i++) {
            monitored4[i] = 0x0a00_0000 | rnd.nextInt(1 << 24);
        }
        for (int i = 0; i < OUTSIDE_V4; i++) {
            // 11.0.0.0 - 223.255.255.255: never 10/8
            outside4[i] = (11 + rnd.nextInt(213)) << 24 | rnd.nextInt(1 << 24);
        }
        for (int i = 0; i < MONITORED_V6; i++) {
            monitored6[i] = rnd.nextLong();
        }
        for (int i = 0; i < OUTSIDE_V6; i++) {
            outside6[i] = rnd.nextLong();
        }
        boolean ng = out.getFileName().toString().endsWith(".pcapng");
        try (PcapWriter w = ng ? PcapWriter.pcapng(out, PacketParser.LINKTYPE_ETHERNET, false)
                : PcapWriter.pcap(out, PacketParser.LINKTYPE_ETHERNET, false)) {
            for (long n = 0; n < packets; n++) {
                int dir = rnd.nextInt(4); // 0 incoming, 1 outgoing, 2-3 outside-to-outside
                boolean v6 = rnd.nextInt(10) == 0;
                FrameBuilder b;
                int size;
                if (v6) {
                    long mon = monitored6[rnd.nextInt(MONITORED_V6)];
                    long a = outside6[rnd.nextInt(OUTSIDE_V6)], c = outside6[rnd.nextInt(OUTSIDE_V6)];
                    long monHi = 0x2001_0db8_0000_0000L | (mon >>> 32 & 0xffff), outHi = 0x2a00_1450_0000_0000L;
                    b = switch (dir) {
                        case 0 -> FrameBuilder.ipv6(outHi, a, monHi, mon);
                        case 1 -> FrameBuilder.ipv6(monHi, mon, outHi, a);
                        default -> FrameBuilder.ipv6(outHi, a, outHi | 1, c);
                    };
                    size = 74 + rnd.nextInt(23); // the IPv6+TCP headers need 74: 74..96 keeps the mean at 85
                } else {
                    int mon = monitored4[rnd.nextInt(MONITORED_V4)];
                    int a = outside4[rnd.nextInt(OUTSIDE_V4)], c = outside4[rnd.nextInt(OUTSIDE_V4)];
                    b = switch (dir) {
                        case 0 -> FrameBuilder.ipv4(a, mon);
                        case 1 -> FrameBuilder.ipv4(mon, a);
                        default -> FrameBuilder.ipv4(a, c);
                    };
                    size = 60 + rnd.nextInt(51);
                }
                int kind = rnd.nextInt(100);
                int port = 1024 + rnd.nextInt(64_000);
                int service = SERVICES[rnd.nextInt(SERVICES.length)];
                if (kind < 30) {
                    b.tcp(port, service, PacketRecord.TCP_SYN);
                } else if (kind < 65) {
                    b.tcp(port, service, PacketRecord.TCP_ACK);
                } else if (kind < 90) {
                    b.udp(port, service);
                } else {
                    b.icmp(v6 ? 128 : 8, 0);
                }
                byte[] frame = b.frameLength(size).ethernet();
                w.write(START_NANOS + n * 1000L, frame);
            }
        }
        return Files.size(out);
    }

    private static final int[] SERVICES = {53, 80, 123, 443, 443, 443, 22, 25, 8080, 3389};
}
