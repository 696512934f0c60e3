package fastnetmon.source.pcap;

import fastnetmon.counters.TestShards;
import fastnetmon.source.PacketCounter;
import fastnetmon.counters.CounterShard;
import fastnetmon.networks.Cidr;
import fastnetmon.networks.PrefixMatcher;

import java.util.List;

/**
 * Run by {@link PcapEngineTest} in a child JVM (without CAP_NET_RAW, or without libpcap): opens lo
 * promiscuously and prints "OPENED" or "KIND message".
 */
public final class PcapProbe {
    private PcapProbe() {
    }

    public static void main(String[] args) {
        CounterShard shard = TestShards.shard("probe", PrefixMatcher.of(List.of(Cidr.parse("127.0.0.0/8"))), 10);
        try (PcapEngine e = PcapEngine.open("lo", null, 1500, true, new PacketCounter(shard))) {
            System.out.println("OPENED");
        } catch (PcapException e) {
            System.out.println(e.kind() + " " + e.getMessage());
        }
    }
}
