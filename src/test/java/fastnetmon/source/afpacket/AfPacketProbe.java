package fastnetmon.source.afpacket;

import fastnetmon.counters.TestShards;
import fastnetmon.source.SourceException;
import fastnetmon.source.PacketCounter;
import fastnetmon.networks.Cidr;
import fastnetmon.networks.PrefixMatcher;

import java.util.List;

/** Run by {@link AfPacketSettingsTest} in a child JVM without CAP_NET_RAW: opens lo and prints what happened. */
public final class AfPacketProbe {
    private AfPacketProbe() {
    }

    public static void main(String[] args) {
        PacketCounter pc = new PacketCounter(TestShards.shard("probe", PrefixMatcher.of(List.of(Cidr.parse("127.0.0.0/8"))), 8));
        try (AfPacketEngine e = AfPacketEngine.open(AfPacketEngine.Settings.of("lo"), -1, pc)) {
            System.out.println("OPENED");
        } catch (SourceException e) {
            System.out.println("REFUSED " + e.getMessage());
        }
    }
}
