package fastnetmon.source;

import fastnetmon.config.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static fastnetmon.source.CaptureEngines.Kind.AF_PACKET;
import static fastnetmon.source.CaptureEngines.Kind.PCAP;
import static fastnetmon.source.CaptureEngines.Kind.PF_RING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Which engine captures which interface, from interfaces and pcap_interfaces. */
class CaptureEnginesTest {
    @TempDir
    Path dir;

    private Configuration config(String... lines) throws Exception {
        Files.writeString(dir.resolve("nets"), "10.0.0.0/8\n");
        Path f = dir.resolve("fastnetmon.conf");
        Files.writeString(f, "networks_list_path = nets\n" + String.join("\n", lines) + "\n");
        return Configuration.load(f);
    }

    @Test
    void interfacesGoToTheSelectedEngineAndPcapInterfacesToLibpcap() throws Exception {
        Map<String, CaptureEngines.Kind> plan = CaptureEngines.plan(config("pcap_interfaces = tun0, any"), List.of("eth3", "eth4"));
        assertEquals(Map.of("eth3", AF_PACKET, "eth4", AF_PACKET, "tun0", PCAP, "any", PCAP), plan);
        assertEquals("eth3,eth4 with AF_PACKET; tun0,any with libpcap", CaptureEngines.describe(plan));

        assertEquals(Map.of("eth3", PF_RING, "tun0", PCAP),
                CaptureEngines.plan(config("mirror = on", "pcap_interfaces = tun0"), List.of("eth3")));
        assertEquals(Map.of("eth3", PCAP, "tun0", PCAP),
                CaptureEngines.plan(config("pcap = on", "pcap_interfaces = tun0"), List.of("eth3")));
        // Only pcap_interfaces: no mirror engine needs to be on.
        assertEquals(Map.of("tun0", PCAP),
                CaptureEngines.plan(config("mirror_afpacket = off", "pcap_interfaces = tun0"), List.of()));
        assertEquals(Map.of(), CaptureEngines.plan(config(), List.of()));
    }

    @Test
    void anInterfaceOnTwoEnginesOrNoEngineIsOneLine() throws Exception {
        SourceException e = assertThrows(SourceException.class,
                () -> CaptureEngines.plan(config("pcap_interfaces = eth3"), List.of("eth3")));
        assertEquals("interface eth3 is both in pcap_interfaces and in the interfaces for AF_PACKET: capture it with one engine",
                e.getMessage());
        e = assertThrows(SourceException.class, () -> CaptureEngines.plan(config(), List.of("eth3", "eth3")));
        assertEquals("interface eth3 is named twice in the interfaces to capture on", e.getMessage());
        e = assertThrows(SourceException.class, () -> CaptureEngines.plan(config("mirror_afpacket = off"), List.of("eth3")));
        assertEquals("no capture engine is on: set mirror_afpacket, pcap or pfring to on", e.getMessage());
    }

    @Test
    void readsEveryCaptureKeyOnce() throws Exception {
        CaptureSettings s = CaptureSettings.from(config("mirror = on", "pcap = on", "interfaces = eth3, eth4",
                "pcap_interfaces = tun0", "pcap_filter = udp", "mirror_af_packet_custom_sampling_rate = 10",
                "af_packet_read_packet_length_from_ip_header = on", "af_packet_threads = 3",
                "mirror_af_packet_fanout_mode = lb", "af_packet_block_size = 65536", "af_packet_block_count = 8",
                "af_packet_block_timeout = 5"));
        assertEquals(new CaptureSettings(true, true, true, List.of("eth3", "eth4"), List.of("tun0"), "udp", 10, true, 3,
                fastnetmon.source.afpacket.FanoutMode.LB, 65536, 8, 5), s);
        assertEquals(PF_RING, CaptureEngines.kind(s));
        CaptureSettings none = CaptureSettings.from(config("mirror_afpacket = off"));
        assertEquals(false, none.anyEngineOn());
        assertEquals(List.of(), none.interfaces());
    }
}
