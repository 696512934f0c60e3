package fastnetmon.source;

import fastnetmon.config.Configuration;
import fastnetmon.counters.ShardFactory;
import fastnetmon.source.afpacket.AfPacketEngine;
import fastnetmon.source.pcap.PcapEngine;
import fastnetmon.source.pfring.PfRingEngine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Opens the mirror-port capture the configuration asks for. {@code interfaces} (or the command line's
 * list) go to the selected engine: PF_RING with {@code pfring = on} (FastNetMon's {@code mirror = on}),
 * libpcap with {@code pcap = on}, else AF_PACKET ({@code mirror_afpacket}, on by default). The
 * interfaces in {@code pcap_interfaces} are captured with libpcap beside it. Every engine (every fanout
 * member) counts into a shard of its own, named as the engine ({@link Source#name()}). The keys are read
 * once, into {@link CaptureSettings}.
 */
public final class CaptureEngines {
    private CaptureEngines() {
    }

    public enum Kind {
        AF_PACKET("AF_PACKET"), PCAP("libpcap"), PF_RING("PF_RING");

        private final String text;

        Kind(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** The engine for {@code interfaces}. */
    public static Kind kind(CaptureSettings c) throws SourceException {
        if (c.pfring()) {
            return Kind.PF_RING;
        }
        if (c.pcap()) {
            return Kind.PCAP;
        }
        if (c.afPacket()) {
            return Kind.AF_PACKET;
        }
        throw new SourceException("no capture engine is on: set mirror_afpacket, pcap or pfring to on");
    }

    /**
     * Which engine captures which interface: {@code interfaces} on the selected engine, then
     * {@code pcap_interfaces} on libpcap. An interface named twice is an error.
     */
    public static Map<String, Kind> plan(Configuration config, List<String> interfaces) throws SourceException {
        return plan(CaptureSettings.from(config), interfaces);
    }

    /** As {@link #plan(Configuration, List)}, from the typed settings. */
    public static Map<String, Kind> plan(CaptureSettings c, List<String> interfaces) throws SourceException {
        Map<String, Kind> plan = new LinkedHashMap<>();
        List<String> pcapToo = c.pcapInterfaces();
        if (!interfaces.isEmpty()) {
            Kind kind = kind(c);
            for (String iface : interfaces) {
                if (plan.put(iface, kind) != null) {
                    throw new SourceException("interface " + iface + " is named twice in the interfaces to capture on");
                }
            }
        }
        for (String iface : pcapToo) {
            if (plan.put(iface, Kind.PCAP) != null) {
                throw new SourceException("interface " + iface + " is both in pcap_interfaces and in the interfaces for "
                        + kind(c).text() + ": capture it with one engine");
            }
        }
        return plan;
    }

    /** "eth3,eth4 with AF_PACKET; tun0 with libpcap" (logs and the startup line). */
    public static String describe(Map<String, Kind> plan) {
        Map<Kind, List<String>> byKind = new LinkedHashMap<>();
        plan.forEach((iface, kind) -> byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(iface));
        List<String> parts = new ArrayList<>();
        byKind.forEach((kind, ifaces) -> parts.add(String.join(",", ifaces) + " with " + kind.text()));
        return String.join("; ", parts);
    }

    /** Opens every engine of the plan; on failure, closes what was opened and says why in one line. */
    public static List<CaptureEngine> open(CaptureSettings c, Map<String, Kind> plan, ShardFactory shards) throws SourceException {
        for (Map.Entry<String, Kind> e : plan.entrySet()) {
            String iface = e.getKey();
            boolean any = iface.equals("any") && e.getValue() == Kind.PCAP;
            if (!any && !Files.exists(Path.of("/sys/class/net", iface))) {
                throw new SourceException("interface " + iface + " does not exist (ip link lists the interfaces)"
                        + (iface.equals("any") ? "; \"any\" works with libpcap only (pcap = on or pcap_interfaces)" : ""));
            }
        }
        long samplingRate = c.samplingRate();
        boolean ipLength = c.lengthFromIp();
        List<CaptureEngine> engines = new ArrayList<>();
        try {
            int ordinal = 0;
            for (Map.Entry<String, Kind> e : plan.entrySet()) {
                String iface = e.getKey();
                switch (e.getValue()) {
                    case AF_PACKET -> {
                        int threads = c.afPacketThreads();
                        AfPacketEngine.Settings settings = AfPacketEngine.Settings.of(iface)
                                .withFanoutMode(c.fanoutMode())
                                .withRing(c.blockSize(), c.blockCount(), c.blockTimeoutMs());
                        engines.addAll(AfPacketEngine.members(settings,
                                threads > 0 ? threads : Runtime.getRuntime().availableProcessors(),
                                AfPacketEngine.fanoutGroupFor(ordinal),
                                i -> new PacketCounter(shards.newShard(iface + "#" + i), samplingRate, ipLength)));
                    }
                    case PCAP -> engines.add(PcapEngine.open(iface, c.pcapFilter(), PcapEngine.DEFAULT_SNAPLEN,
                            true, new PacketCounter(shards.newShard(iface), samplingRate, ipLength)));
                    case PF_RING -> engines.add(PfRingEngine.open(iface, PfRingEngine.DEFAULT_CAPLEN, true,
                            new PacketCounter(shards.newShard(iface), samplingRate, ipLength)));
                }
                ordinal++;
            }
        } catch (SourceException | RuntimeException e) {
            engines.forEach(CaptureEngine::close);
            throw e;
        }
        return engines;
    }
}
