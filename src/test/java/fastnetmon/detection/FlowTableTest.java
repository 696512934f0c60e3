package fastnetmon.detection;

import fastnetmon.action.AttackText;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.networks.IpAddresses;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Connection tracking's flow list: added up from samples, in FastNetMon's order and cut, in its text. */
public class FlowTableTest {
    private static final long[] HOST = IpAddresses.parse("10.0.0.5");

    private static void in(FlowTable t, String remote, int srcPort, int dstPort, int protocol, long packets, long bytes) {
        long[] r = IpAddresses.parse(remote);
        t.add(Direction.INCOMING, r[0], r[1], HOST[0], HOST[1], srcPort, dstPort, protocol, packets, bytes);
    }

    public static String fixture(String name) throws IOException {
        try (InputStream s = FlowTableTest.class.getResourceAsStream("/fastnetmon-1.2.4/" + name)) {
            return new String(s.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Attack attack(Direction dir, AttackFlows flows, String reason) {
        return new Attack("10.0.0.5", HOST[0], HOST[1], dir, "unknown", "tcp", new HostTraffic(), reason, "global",
                0, 0, 0, false, List.of(), flows);
    }

    /**
     * FastNetMon 1.2.4's own ban text (scripts/fastnetmon-conntrack-reference.sh): hping3 from one source,
     * moving its source port on every packet, TCP to port 80 and UDP to port 53, and the host's own TCP
     * from port 80 to moving ports; ban_details_records_count = 5. The same flows (each block's count of
     * consecutive ports from its first line), added in any order, give the same list, byte for byte.
     */
    @Test
    void listIsFastNetMonsForTheSameFlows() throws IOException {
        String reference = fixture("conntrack-ban-stdin.txt");
        String list = reference.substring(reference.indexOf("Incoming\n"));
        assertTrue(list.contains("\n\nOutgoing\n\nTCP flows: "), "the reference has both directions: " + list);
        Matcher block = Pattern.compile("(TCP|UDP) flows: (\\d+)\n10\\.0\\.0\\.5:(\\d+) ([<>]) ([\\d.]+):(\\d+) (\\d+) bytes 1 packets\n")
                .matcher(list);
        List<Runnable> packets = new ArrayList<>();
        FlowTable t = new FlowTable();
        int blocks = 0;
        while (block.find()) {
            blocks++;
            int protocol = block.group(1).equals("TCP") ? 6 : 17, n = Integer.parseInt(block.group(2));
            int hostPort = Integer.parseInt(block.group(3)), remotePort = Integer.parseInt(block.group(6));
            boolean in = block.group(4).equals("<");
            long[] remote = IpAddresses.parse(block.group(5));
            long bytes = Long.parseLong(block.group(7));
            for (int i = 0; i < n; i++) {
                int moving = remotePort + i;
                packets.add(in
                        ? () -> t.add(Direction.INCOMING, remote[0], remote[1], HOST[0], HOST[1], moving, hostPort, protocol, 1, bytes)
                        : () -> t.add(Direction.OUTGOING, HOST[0], HOST[1], remote[0], remote[1], hostPort, moving, protocol, 1, bytes));
            }
        }
        assertEquals(3, blocks, list);
        Collections.shuffle(packets, new Random(1));
        packets.forEach(Runnable::run);
        in(t, "192.0.2.9", 1, 1, 1, 5, 420); // ICMP: not tracked, as in FastNetMon
        Attack a = attack(Direction.INCOMING, t.list(5), "pps");
        assertEquals(list, AttackText.banText(a).substring(AttackText.description(a).length()));
        assertTrue(reference.startsWith("IP: 10.0.0.5\n"));
    }

    @Test
    void packetsOfAFlowAddUpAndTheOrderIsPortsThenAddressAsFastNetMonPacksIt() {
        FlowTable t = new FlowTable();
        in(t, "192.0.2.1", 1000, 80, 6, 1, 60);
        in(t, "192.0.2.1", 1000, 80, 6, 2, 120);
        // same ports: FastNetMon compares the address with its bytes read little-endian: 2.0.0.1 < 1.0.0.2
        in(t, "2.0.0.1", 999, 80, 6, 1, 60);
        in(t, "1.0.0.2", 999, 80, 6, 1, 60);
        in(t, "9.9.9.9", 1, 22, 6, 1, 60); // a lower destination port first
        List<AttackFlows.Flow> shown = t.list(20).groups().get(0).shown();
        assertEquals(List.of(
                new AttackFlows.Flow(22, "9.9.9.9", 1, 60, 1),
                new AttackFlows.Flow(80, "2.0.0.1", 999, 60, 1),
                new AttackFlows.Flow(80, "1.0.0.2", 999, 60, 1),
                new AttackFlows.Flow(80, "192.0.2.1", 1000, 180, 3)), shown);
    }

    @Test
    void cutAfterOneMoreThanTheCountAsFastNetMon() {
        FlowTable t = new FlowTable();
        for (int p = 1; p <= 4; p++) {
            in(t, "192.0.2.1", p, 53, 17, 1, 42);
        }
        AttackFlows.Group exact = t.list(3).groups().get(0);
        assertEquals(4, exact.shown().size());
        assertFalse(exact.cropped(), "count + 1 flows are all printed");
        AttackFlows.Group cut = t.list(2).groups().get(0);
        assertEquals(3, cut.shown().size());
        assertTrue(cut.cropped());
        assertEquals(4, cut.total());
        assertEquals(17, cut.protocol());
    }

    @Test
    void outgoingFlowsAreFromTheHostsPort() {
        FlowTable t = new FlowTable();
        long[] r = IpAddresses.parse("198.51.100.9");
        t.add(Direction.OUTGOING, HOST[0], HOST[1], r[0], r[1], 53, 40000, 17, 3, 3000);
        String text = AttackText.banText(attack(Direction.OUTGOING, t.list(20), "pps"));
        assertTrue(text.endsWith("bytes \nOutgoing\n\nUDP flows: 1\n10.0.0.5:53 > 198.51.100.9:40000 3000 bytes 3 packets\n\n"), text);
    }

    /** print_flow_tracking_for_ip: incoming, then one more blank line, then outgoing; TCP before UDP in each. */
    @Test
    void bothDirectionsAsFastNetMonPrintsThem() {
        FlowTable t = new FlowTable();
        long[] r = IpAddresses.parse("198.51.100.9");
        t.add(Direction.OUTGOING, HOST[0], HOST[1], r[0], r[1], 80, 1234, 6, 1, 60);
        in(t, "198.51.100.9", 53, 4000, 17, 2, 100);
        in(t, "198.51.100.9", 1234, 80, 6, 1, 54);
        t.add(Direction.INTERNAL, HOST[0], HOST[1], r[0], r[1], 80, 1, 6, 1, 60); // no host direction: left out
        String text = AttackText.banText(attack(Direction.INCOMING, t.list(20), "pps"));
        assertTrue(text.endsWith("bytes \nIncoming\n\nTCP flows: 1\n10.0.0.5:80 < 198.51.100.9:1234 54 bytes 1 packets\n\n"
                + "UDP flows: 1\n10.0.0.5:4000 < 198.51.100.9:53 100 bytes 2 packets\n\n"
                + "\nOutgoing\n\nTCP flows: 1\n10.0.0.5:80 > 198.51.100.9:1234 60 bytes 1 packets\n\n"), text);
    }

    @Test
    void boundedInFlows() {
        FlowTable t = new FlowTable();
        for (int i = 0; i < FlowTable.MAX_FLOWS + 10; i++) {
            in(t, "192.0.2.1", i & 0xffff, 1 + (i >>> 16), 6, 1, 60);
        }
        assertEquals(FlowTable.MAX_FLOWS, t.list(0).groups().get(0).total());
        assertEquals(10, t.leftOut());
        in(t, "192.0.2.1", 0, 1, 6, 1, 60); // a known flow still adds up
        assertEquals(2, t.list(0).groups().get(0).shown().get(0).packets());
    }

    @Test
    void noFlowsNoListAndManualBansKeepTheirMarker() {
        FlowTable t = new FlowTable();
        Attack a = attack(Direction.INCOMING, t.list(5), "pps");
        assertEquals(AttackText.description(a), AttackText.banText(a));
        Attack manual = attack(Direction.INCOMING, null, Attack.MANUAL_BAN);
        assertTrue(AttackText.banText(manual).endsWith("bytes \nmanually triggered attack"));
    }
}
