package fastnetmon.source;

import fastnetmon.counters.ShardFactory;
import fastnetmon.source.afpacket.AfPacketEngine;
import fastnetmon.source.afpacket.FanoutMode;
import fastnetmon.source.pcap.PcapEngine;
import fastnetmon.source.pfring.PfRingEngine;
import fastnetmon.config.Configuration;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens the live capture the configuration asks for: PF_RING with {@code pfring = on} (FastNetMon's
 * {@code mirror = on}), libpcap with {@code pcap = on}, else AF_PACKET ({@code mirror_afpacket}, on by
 * default). Each engine counts into a shard of its own.
 */
public final class CaptureEngines {
    private CaptureEngines() {
    }

    public enum Kind { AF_PACKET, PCAP, PF_RING }

    public static Kind kind(Configuration c) throws SourceException {
        if (c.getBoolean("pfring") || c.getBoolean("mirror")) {
            return Kind.PF_RING;
        }
        if (c.getBoolean("pcap")) {
            return Kind.PCAP;
        }
        if (c.getBoolean("mirror_afpacket")) {
            return Kind.AF_PACKET;
        }
        throw new SourceException("no capture engine is on: set mirror_afpacket, pcap or pfring to on");
    }

    public static String engineName(Configuration c) {
        try {
            return switch (kind(c)) {
                case AF_PACKET -> "AF_PACKET";
                case PCAP -> "libpcap";
                case PF_RING -> "PF_RING";
            };
        } catch (SourceException e) {
            return "no engine";
        }
    }

    /** Opens every engine for the interfaces; on failure, closes what was opened and says why in one line. */
    public static List<CaptureEngine> open(Configuration c, List<String> interfaces, ShardFactory detector) throws SourceException {
        Kind kind = kind(c);
        for (String iface : interfaces) {
            boolean any = iface.equals("any") && kind == Kind.PCAP;
            if (!any && !Files.exists(Path.of("/sys/class/net", iface))) {
                throw new SourceException("interface " + iface + " does not exist (ip link lists the interfaces)"
                        + (iface.equals("any") ? "; \"any\" works with pcap = on only" : ""));
            }
        }
        long samplingRate = c.getLong("mirror_af_packet_custom_sampling_rate");
        boolean ipLength = c.getBoolean("af_packet_read_packet_length_from_ip_header");
        List<CaptureEngine> engines = new ArrayList<>();
        try {
            for (int n = 0; n < interfaces.size(); n++) {
                String iface = interfaces.get(n);
                switch (kind) {
                    case AF_PACKET -> {
                        int threads = c.getInt("af_packet_threads");
                        AfPacketEngine.Settings settings = AfPacketEngine.Settings.of(iface)
                                .withFanoutMode(FanoutMode.parse(c.getString("mirror_af_packet_fanout_mode")))
                                .withRing(c.getInt("af_packet_block_size"), c.getInt("af_packet_block_count"),
                                        c.getInt("af_packet_block_timeout"));
                        engines.addAll(AfPacketEngine.members(settings,
                                threads > 0 ? threads : Runtime.getRuntime().availableProcessors(),
                                AfPacketEngine.fanoutGroupFor(n),
                                i -> new PacketCounter(detector.newShard(iface + "#" + i), samplingRate, ipLength)));
                    }
                    case PCAP -> engines.add(PcapEngine.open(iface, c.getString("pcap_filter"), PcapEngine.DEFAULT_SNAPLEN,
                            true, new PacketCounter(detector.newShard(iface), samplingRate, ipLength)));
                    case PF_RING -> engines.add(PfRingEngine.open(iface, PfRingEngine.DEFAULT_CAPLEN, true,
                            new PacketCounter(detector.newShard(iface), samplingRate, ipLength)));
                }
            }
        } catch (SourceException | RuntimeException e) {
            engines.forEach(CaptureEngine::close);
            throw e;
        }
        return engines;
    }
}
