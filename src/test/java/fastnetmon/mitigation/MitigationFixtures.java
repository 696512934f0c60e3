package fastnetmon.mitigation;

import fastnetmon.config.Configuration;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.detection.Attack;
import fastnetmon.detection.SamplePacket;
import fastnetmon.networks.IpAddresses;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/** Bans and configurations for the mitigation tests. */
final class MitigationFixtures {
    static final long T0 = 1_700_000_000_000_000_000L;

    private MitigationFixtures() {
    }

    /** A configuration with networks 10.10.0.0/16 and 2001:db8:10::/48 and these lines. */
    static Configuration config(Path dir, String... lines) throws Exception {
        Files.writeString(dir.resolve("nets"), "10.10.0.0/16\n10.10.5.0/24\n2001:db8:10::/48\n");
        Path f = dir.resolve("fastnetmon.conf");
        Files.writeString(f, "networks_list_path = nets\nwhite_list_path =\nnotify_script_enabled = off\n"
                + "attack_details_folder =\n" + String.join("\n", lines) + "\n");
        return Configuration.load(f);
    }

    /** A ban of {@code ip} in {@code direction} with {@code n} samples made by {@code sample(i)}. */
    static Attack attack(String ip, Direction direction, int n, IntFunction<SamplePacket> sample) {
        long[] a = IpAddresses.parse(ip);
        List<SamplePacket> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            samples.add(sample.apply(i));
        }
        return new Attack(ip, a[0], a[1], direction, "udp_flood", "udp", new HostTraffic(), "pps 1 > 0", "global", T0,
                1, 1, false, samples);
    }

    /** A captured packet to {@code dst}. */
    static SamplePacket packet(String src, int srcPort, String dst, int dstPort, int protocol, int flags, int length,
                               boolean fragmented) {
        return new SamplePacket(T0, src, srcPort, dst, dstPort, protocol, flags, fragmented, 1, length, 54);
    }
}
