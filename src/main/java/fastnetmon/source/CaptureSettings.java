package fastnetmon.source;

import fastnetmon.config.Configuration;
import fastnetmon.source.afpacket.FanoutMode;

import java.util.List;

/**
 * What mirror-port capture takes from the configuration, typed and read in one place ({@link #from}).
 * Immutable.
 *
 * @param pfring          {@code pfring} or FastNetMon's {@code mirror}
 * @param pcap            {@code pcap}
 * @param afPacket        {@code mirror_afpacket}
 * @param interfaces      {@code interfaces} (the command line's list overrides it)
 * @param pcapInterfaces  {@code pcap_interfaces}: captured with libpcap beside the selected engine
 * @param pcapFilter      {@code pcap_filter} (empty: all traffic)
 * @param samplingRate    {@code mirror_af_packet_custom_sampling_rate}
 * @param lengthFromIp    {@code af_packet_read_packet_length_from_ip_header}
 * @param afPacketThreads {@code af_packet_threads} (0: one per core)
 * @param fanoutMode      {@code mirror_af_packet_fanout_mode}
 * @param blockSize       {@code af_packet_block_size}
 * @param blockCount      {@code af_packet_block_count}
 * @param blockTimeoutMs  {@code af_packet_block_timeout}
 */
public record CaptureSettings(boolean pfring, boolean pcap, boolean afPacket, List<String> interfaces,
                              List<String> pcapInterfaces, String pcapFilter, long samplingRate, boolean lengthFromIp,
                              int afPacketThreads, FanoutMode fanoutMode, int blockSize, int blockCount,
                              int blockTimeoutMs) {

    public CaptureSettings {
        interfaces = List.copyOf(interfaces);
        pcapInterfaces = List.copyOf(pcapInterfaces);
    }

    /** The settings of a configuration (checked when it was read: the fanout mode is one of its choices). */
    public static CaptureSettings from(Configuration c) {
        return new CaptureSettings(c.getBoolean("pfring") || c.getBoolean("mirror"), c.getBoolean("pcap"),
                c.getBoolean("mirror_afpacket"), c.getList("interfaces"), c.getList("pcap_interfaces"),
                c.getString("pcap_filter"), c.getLong("mirror_af_packet_custom_sampling_rate"),
                c.getBoolean("af_packet_read_packet_length_from_ip_header"), c.getInt("af_packet_threads"),
                FanoutMode.parse(c.getString("mirror_af_packet_fanout_mode")), c.getInt("af_packet_block_size"),
                c.getInt("af_packet_block_count"), c.getInt("af_packet_block_timeout"));
    }

    /** True when a capture engine is on (mirror_afpacket, pcap or pfring). */
    public boolean anyEngineOn() {
        return pfring || pcap || afPacket;
    }
}
