package fastnetmon.detection;

import fastnetmon.config.Thresholds;
import fastnetmon.counters.Direction;
import fastnetmon.config.TrafficClass;
import fastnetmon.detection.Harness.Limits;
import fastnetmon.detection.Harness.Settings;
import fastnetmon.packet.PacketRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static fastnetmon.counters.TestPackets.icmp;
import static fastnetmon.counters.TestPackets.packet;
import static fastnetmon.counters.TestPackets.sized;
import static fastnetmon.counters.TestPackets.syn;
import static fastnetmon.counters.TestPackets.tcp;
import static fastnetmon.counters.TestPackets.udp;
import static fastnetmon.counters.TestPackets.udpFragment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who gets banned, when, and with what: thresholds, directions, switches, hostgroups, attack types. */
class EvaluatorBanTest {
    private static final String ATTACKER = "198.51.100.7";

    private static Harness harness(Settings s) {
        return new Harness(s.build());
    }

    @Test
    void hostCrossingThresholdPpsIsBannedAtThatTickWithThatSecondsRate() {
        Harness h = harness(new Settings());
        h.send(20_000, udp(ATTACKER, 1000, "10.0.0.2", 53)); // exactly the threshold: not over it
        h.tick();
        assertEquals(List.of(), h.events);

        h.send(20_001, udp(ATTACKER, 1000, "10.0.0.1", 53));
        h.send(20_000, udp(ATTACKER, 1000, "10.0.0.2", 53));
        long tickAt = h.tickNanos();
        h.tick();
        assertEquals(List.of("ban 10.0.0.1"), h.events);
        Attack a = h.ban("10.0.0.1");
        assertEquals(20_001, a.initialPps());
        assertEquals(20_001, a.peakPps);
        assertEquals(tickAt, a.bannedAtNanos);
        assertEquals(Direction.INCOMING, a.direction);
        assertEquals("udp_flood", a.attackType);
        assertEquals("udp", a.protocol);
        assertEquals("global", a.hostgroup);
        assertEquals("pps 20001 > 20000", a.reason);
        long[] addr = fastnetmon.counters.TestPackets.addr("10.0.0.1");
        assertEquals(addr[0], a.ipHi);
        assertEquals(addr[1], a.ipLo);
        assertEquals(20_001, a.initial.pps(Direction.INCOMING, TrafficClass.UDP));
        assertEquals(20_001 * 100 * 8 / 1e6, a.initial.mbps(Direction.INCOMING, TrafficClass.TOTAL), 1e-9);
        assertEquals(1, a.initial.flowsPerSecond(Direction.INCOMING, TrafficClass.TOTAL));
        assertEquals(0, a.initial.pps(Direction.OUTGOING, TrafficClass.TOTAL));
        assertEquals(List.of(a), h.evaluator.banHistory());
        assertEquals(List.of(a), List.copyOf(h.evaluator.activeBans()));
    }

    @Test
    void outgoingAttackIsBannedAsOutgoing() {
        Harness h = harness(new Settings());
        h.send(25_000, syn("10.0.0.1", 1000, ATTACKER, 80));
        h.tick();
        Attack a = h.ban("10.0.0.1");
        assertEquals(Direction.OUTGOING, a.direction);
        assertEquals(25_000, a.initial.pps(Direction.OUTGOING, TrafficClass.TOTAL));
        assertEquals(25_000, a.initialPps());
        assertEquals("syn_flood", a.attackType);
        assertEquals("tcp", a.protocol);
    }

    @Test
    void internalTrafficCanBanBothEnds() {
        Harness h = harness(new Settings());
        h.send(20_001, udp("10.0.0.1", 1000, "10.0.0.2", 53));
        h.tick();
        assertEquals(Direction.OUTGOING, h.ban("10.0.0.1").direction);
        assertEquals(Direction.INCOMING, h.ban("10.0.0.2").direction);
    }

    @Test
    void defaultThresholdsBanAbove20kPps() {
        Settings s = new Settings();
        s.global = Thresholds.defaults();
        Harness h = harness(s);
        h.send(20_000, udp(ATTACKER, 1, "10.0.0.2", 2));
        h.send(20_001, udp(ATTACKER, 1, "10.0.0.1", 2));
        h.tick();
        assertEquals(List.of("ban 10.0.0.1"), h.events);
    }

    @Test
    void whitelistedHostsAreNotBanned() {
        Harness h = harness(new Settings().whitelist("10.0.0.0/24", "2001:db8:1::/48"));
        h.send(30_000, udp(ATTACKER, 1, "10.0.0.1", 2));
        h.send(30_000, udp(ATTACKER, 1, "10.0.1.1", 2));
        h.send(30_000, udp("2001:db9::1", 1, "2001:db8:1::1", 2));
        h.send(30_000, udp("2001:db9::1", 1, "2001:db8:2::1", 2));
        h.ticks(3);
        assertEquals(List.of("ban 10.0.1.1", "ban 2001:db8:2::1"), h.events);
    }

    @Test
    void enableBanOffGloballyBansNobody() {
        Harness h = harness(new Settings().global(Limits.none().pps(TrafficClass.TOTAL, 20_000).banOff()));
        for (int i = 0; i < 3; i++) {
            h.send(30_000, udp(ATTACKER, 1, "10.0.0.1", 2));
            h.send(30_000, udp("10.0.0.2", 1, ATTACKER, 2));
            h.tick();
        }
        assertEquals(List.of(), h.events);
    }

    @Test
    void enableBanOffInAHostgroupSparesOnlyItsNetworks() {
        Harness h = harness(new Settings()
                .group("noban", Limits.none().pps(TrafficClass.TOTAL, 20_000).banOff(), "10.1.0.0/16"));
        h.send(30_000, udp(ATTACKER, 1, "10.1.0.1", 2));
        h.send(30_000, udp(ATTACKER, 1, "10.2.0.1", 2));
        h.tick();
        assertEquals(List.of("ban 10.2.0.1"), h.events);
    }

    @Test
    void ipv6HostsAreNotBannedWhenIpv6BanIsOff() {
        Settings s = new Settings();
        s.enableBanIpv6 = false;
        Harness h = harness(s);
        h.send(30_000, udp("2001:db9::1", 1, "2001:db8::1", 2));
        h.send(30_000, udp("2001:db8::2", 1, "2001:db9::1", 2));
        h.send(30_000, udp(ATTACKER, 1, "10.0.0.1", 2));
        h.ticks(2);
        assertEquals(List.of("ban 10.0.0.1"), h.events);
    }

    @Test
    void ipv6HostsAreBannedWhenIpv6BanIsOn() {
        Harness h = harness(new Settings());
        h.send(30_000, icmp("2001:db9::1", "2001:db8::1"));
        h.tick();
        Attack a = h.ban("2001:db8::1");
        assertEquals(Direction.INCOMING, a.direction);
        assertEquals("icmp_flood", a.attackType);
        assertEquals("icmp", a.protocol);
        long[] addr = fastnetmon.counters.TestPackets.addr("2001:db8::1");
        assertEquals(addr[0], a.ipHi);
        assertEquals(addr[1], a.ipLo);
    }

    @Test
    void hostgroupIpv6BanOffSparesOnlyItsIpv6Hosts() {
        Harness h = harness(new Settings().group("v6quiet", Limits.none().pps(TrafficClass.TOTAL, 20_000).ipv6BanOff(),
                "2001:db8:1::/48", "10.1.0.0/16"));
        h.send(30_000, udp("2001:db9::1", 1, "2001:db8:1::1", 2));
        h.send(30_000, udp("2001:db9::1", 1, "2001:db8:2::1", 2));
        h.send(30_000, udp(ATTACKER, 1, "10.1.0.1", 2));
        h.tick();
        assertEquals(List.of("ban 10.1.0.1", "ban 2001:db8:2::1"), h.events.stream().sorted().toList());
    }

    @Test
    void processIncomingOffSkipsIncomingOnly() {
        Settings s = new Settings();
        s.processIncoming = false;
        Harness h = harness(s);
        h.send(30_000, udp(ATTACKER, 1, "10.0.0.1", 2));
        h.send(30_000, udp("10.0.0.2", 1, ATTACKER, 2));
        h.ticks(2);
        assertEquals(List.of("ban 10.0.0.2"), h.events);
        assertEquals(Direction.OUTGOING, h.ban("10.0.0.2").direction);
    }

    @Test
    void processOutgoingOffSkipsOutgoingOnly() {
        Settings s = new Settings();
        s.processOutgoing = false;
        Harness h = harness(s);
        h.send(30_000, udp(ATTACKER, 1, "10.0.0.1", 2));
        h.send(30_000, udp("10.0.0.2", 1, ATTACKER, 2));
        h.ticks(2);
        assertEquals(List.of("ban 10.0.0.1"), h.events);
    }

    @Test
    void perProtocolPpsThresholds() {
        Harness h = harness(new Settings().global(Limits.none()
                .pps(TrafficClass.UDP, 1000).pps(TrafficClass.TCP_SYN, 500).pps(TrafficClass.ICMP, 100)));
        h.send(1001, udp(ATTACKER, 1, "10.0.0.1", 2));
        h.send(1000, udp(ATTACKER, 1, "10.0.0.2", 2));
        h.send(5000, tcp(ATTACKER, 1, "10.0.0.3", 2, PacketRecord.TCP_ACK));
        h.send(501, syn(ATTACKER, 1, "10.0.0.4", 2));
        h.send(500, syn(ATTACKER, 1, "10.0.0.5", 2));
        h.send(101, icmp(ATTACKER, "10.0.0.6"));
        h.send(100, icmp(ATTACKER, "10.0.0.7"));
        h.tick();
        assertEquals(List.of("ban 10.0.0.1", "ban 10.0.0.4", "ban 10.0.0.6"), h.events.stream().sorted().toList());
        assertEquals("udp pps 1001 > 1000", h.ban("10.0.0.1").reason);
        assertEquals("tcp_syn pps 501 > 500", h.ban("10.0.0.4").reason);
        assertEquals("icmp pps 101 > 100", h.ban("10.0.0.6").reason);
    }

    @Test
    void tcpPpsThreshold() {
        Harness h = harness(new Settings().global(Limits.none().pps(TrafficClass.TCP, 1000)));
        h.send(1001, tcp(ATTACKER, 1, "10.0.0.1", 2, PacketRecord.TCP_ACK));
        h.send(5000, udp(ATTACKER, 1, "10.0.0.2", 2));
        h.tick();
        assertEquals(List.of("ban 10.0.0.1"), h.events);
        assertEquals("tcp pps 1001 > 1000", h.ban("10.0.0.1").reason);
    }

    @Test
    void bandwidthIsStrictlyGreaterThanTheThreshold() {
        Harness h = harness(new Settings().global(Limits.none().mbps(TrafficClass.TOTAL, 1)));
        // 1 Mbit/s is 125000 bytes a second.
        h.send(125, sized(udp(ATTACKER, 1, "10.0.0.1", 2), 1000));     // 125000 bytes: exactly 1 mbps
        h.send(124, sized(udp(ATTACKER, 1, "10.0.0.2", 2), 1000));     // 124000 + 1001 = 125001 bytes
        h.send(1, sized(udp(ATTACKER, 1, "10.0.0.2", 2), 1001));
        h.tick();
        assertEquals(List.of("ban 10.0.0.2"), h.events);
        assertTrue(h.ban("10.0.0.2").reason.startsWith("mbps 1.00"), h.ban("10.0.0.2").reason);
        assertEquals(125_001 * 8 / 1e6, h.ban("10.0.0.2").initial.mbps(Direction.INCOMING, TrafficClass.TOTAL), 1e-12);
    }

    @Test
    void perProtocolBandwidth() {
        Harness h = harness(new Settings().global(Limits.none().mbps(TrafficClass.UDP, 1)));
        h.send(126, sized(udp(ATTACKER, 1, "10.0.0.1", 2), 1000));
        h.send(125, sized(udp(ATTACKER, 1, "10.0.0.2", 2), 1000));
        h.send(500, sized(tcp(ATTACKER, 1, "10.0.0.3", 2, PacketRecord.TCP_ACK), 1000));
        h.tick();
        assertEquals(List.of("ban 10.0.0.1"), h.events);
        assertTrue(h.ban("10.0.0.1").reason.startsWith("udp mbps "), h.ban("10.0.0.1").reason);
    }

    @Test
    void flowsThreshold() {
        Harness h = harness(new Settings().global(Limits.none().flows(100)));
        for (int port = 0; port < 101; port++) {
            h.send(1, udp(ATTACKER, 1000 + port, "10.0.0.1", 53));
        }
        for (int port = 0; port < 100; port++) {
            h.send(2, udp(ATTACKER, 1000 + port, "10.0.0.2", 53));
        }
        h.send(50_000, udp(ATTACKER, 1000, "10.0.0.3", 53)); // one flow, many packets
        h.tick();
        assertEquals(List.of("ban 10.0.0.1"), h.events);
        assertEquals("flows 101 > 100", h.ban("10.0.0.1").reason);
        // Flows are counted per second: 60 new ones in each of two seconds do not add up.
        Harness h2 = harness(new Settings().global(Limits.none().flows(100)));
        for (int sec = 0; sec < 2; sec++) {
            for (int port = 0; port < 60; port++) {
                h2.send(1, udp(ATTACKER, 1000 + sec * 60 + port, "10.0.0.1", 53));
            }
            h2.tick();
        }
        assertEquals(List.of(), h2.events);
    }

    @Test
    void hostgroupThresholdsApplyToTheirNetworksOnly() {
        Harness h = harness(new Settings()
                .group("small", Limits.none().pps(TrafficClass.TOTAL, 100), "10.1.0.0/16", "2001:db8:1::/48")
                .group("big", Limits.none().pps(TrafficClass.TOTAL, 50_000), "10.2.0.0/16"));
        h.send(101, udp(ATTACKER, 1, "10.1.0.1", 2));
        h.send(101, udp("2001:db9::1", 1, "2001:db8:1::1", 2));
        h.send(101, udp(ATTACKER, 1, "10.3.0.1", 2));       // global: 20000
        h.send(30_000, udp(ATTACKER, 1, "10.2.0.1", 2));    // big: 50000
        h.send(30_000, udp(ATTACKER, 1, "10.4.0.1", 2));    // global
        h.tick();
        assertEquals(List.of("ban 10.1.0.1", "ban 10.4.0.1", "ban 2001:db8:1::1"), h.events.stream().sorted().toList());
        assertEquals("small", h.ban("10.1.0.1").hostgroup);
        assertEquals("small", h.ban("2001:db8:1::1").hostgroup);
        assertEquals("global", h.ban("10.4.0.1").hostgroup);
        assertEquals("pps 101 > 100", h.ban("10.1.0.1").reason);
    }

    @Test
    void attackTypesAndProtocols() {
        Harness h = harness(new Settings().global(Limits.none().pps(TrafficClass.TOTAL, 1000)));
        h.send(2000, syn(ATTACKER, 1, "10.0.0.1", 80));
        h.send(2000, udp(ATTACKER, 1, "10.0.0.2", 53));
        h.send(2000, icmp(ATTACKER, "10.0.0.3"));
        h.send(2000, udpFragment(ATTACKER, 1, "10.0.0.4", 53));
        h.send(1000, udp(ATTACKER, 1, "10.0.0.5", 53));
        h.send(1000, tcp(ATTACKER, 1, "10.0.0.5", 80, PacketRecord.TCP_ACK));
        h.send(2000, packet(ATTACKER, 0, "10.0.0.6", 0, 47)); // GRE
        h.send(1901, syn(ATTACKER, 1, "10.0.0.7", 80));        // 95% SYN
        h.send(99, tcp(ATTACKER, 1, "10.0.0.7", 80, PacketRecord.TCP_ACK));
        h.send(1800, syn(ATTACKER, 1, "10.0.0.8", 80));        // exactly 90% SYN: not more than 90%
        h.send(200, tcp(ATTACKER, 1, "10.0.0.8", 80, PacketRecord.TCP_ACK));
        h.send(1500, udp(ATTACKER, 1, "10.0.0.9", 53));
        h.send(600, icmp(ATTACKER, "10.0.0.9"));
        h.send(2000, icmp("2001:db9::1", "2001:db8::9"));      // ICMPv6
        h.tick();
        String[][] expected = {
                {"10.0.0.1", "syn_flood", "tcp"},
                {"10.0.0.2", "udp_flood", "udp"},
                {"10.0.0.3", "icmp_flood", "icmp"},
                {"10.0.0.4", "ip_fragmentation_flood", "udp"},
                {"10.0.0.5", "unknown", "tcp"},
                {"10.0.0.6", "unknown", "unknown"},
                {"10.0.0.7", "syn_flood", "tcp"},
                {"10.0.0.8", "unknown", "tcp"},
                {"10.0.0.9", "unknown", "udp"},
                {"2001:db8::9", "icmp_flood", "icmp"},
        };
        assertEquals(expected.length, h.bans.size(), h.events.toString());
        for (String[] e : expected) {
            Attack a = h.ban(e[0]);
            assertEquals(e[1], a.attackType, e[0]);
            assertEquals(e[2], a.protocol, e[0]);
        }
    }

    @Test
    void attackTypeComesFromTheAttackDirection() {
        Harness h = harness(new Settings().global(Limits.none().pps(TrafficClass.TOTAL, 1000)));
        h.send(2000, udp(ATTACKER, 1, "10.0.0.1", 53));                // incoming UDP flood
        h.send(900, syn("10.0.0.1", 1, ATTACKER, 80));                 // outgoing SYNs, under the threshold
        h.tick();
        Attack a = h.ban("10.0.0.1");
        assertEquals(Direction.INCOMING, a.direction);
        assertEquals("udp_flood", a.attackType);
        assertEquals("udp", a.protocol);
    }

    @Test
    void noSecondBanWhileBanned() {
        Harness h = harness(new Settings());
        for (int i = 0; i < 5; i++) {
            h.send(30_000 + i * 1000, udp(ATTACKER, 1, "10.0.0.1", 2));
            h.send(30_000, udp("10.0.0.1", 1, ATTACKER, 2)); // outgoing flood too: still one ban
            h.tick();
        }
        assertEquals(1, h.bans.size());
        Attack a = h.ban("10.0.0.1");
        assertEquals(30_000, a.initialPps());
        assertEquals(30_000, a.peakPps, "the ban event's snapshot keeps the peak it had");
        assertEquals(34_000, h.current("10.0.0.1").peakPps);
        assertEquals(1, h.evaluator.activeBans().size());
    }

    @Test
    void ratesUseOnlyTheLastSecond() {
        Harness h = harness(new Settings());
        for (int i = 0; i < 10; i++) {
            h.send(15_000, udp(ATTACKER, 1, "10.0.0.1", 2));
            h.tick();
        }
        assertEquals(List.of(), h.events);
        h.send(25_000, udp(ATTACKER, 1, "10.0.0.1", 2));
        long at = h.tickNanos();
        h.tick();
        assertEquals(List.of("ban 10.0.0.1"), h.events);
        assertEquals(25_000, h.ban("10.0.0.1").initialPps());
        assertEquals(at, h.ban("10.0.0.1").bannedAtNanos);
    }

    @Test
    void quietSecondsInBetweenDoNotCarryOver() {
        Harness h = harness(new Settings());
        h.send(15_000, udp(ATTACKER, 1, "10.0.0.1", 2));
        h.tick();
        h.ticks(3);
        h.send(15_000, udp(ATTACKER, 1, "10.0.0.1", 2));
        h.tick();
        assertEquals(List.of(), h.events);
    }

    @Test
    void twoShardsCountingTheSameHostAreSummed() {
        Harness h = new Harness(new Settings().build(), 2);
        h.send(0, 10_000, udp(ATTACKER, 1, "10.0.0.1", 2));
        h.send(1, 10_000, udp(ATTACKER, 1, "10.0.0.1", 2));
        h.send(0, 10_000, udp(ATTACKER, 1, "10.0.0.2", 2));
        h.send(1, 10_001, udp(ATTACKER, 1, "10.0.0.2", 2));
        h.send(1, 5, udp(ATTACKER, 1, "10.0.0.3", 2)); // a host only one shard knows, other slot numbers
        h.tick();
        assertEquals(List.of("ban 10.0.0.2"), h.events);
        assertEquals(20_001, h.ban("10.0.0.2").initialPps());
        // Next second: the shards' counters are cumulative; only the new packets count.
        h.send(1, 5, udp(ATTACKER, 1, "10.0.0.4", 2));
        h.send(0, 10_001, udp(ATTACKER, 1, "10.0.0.1", 2));
        h.send(1, 10_000, udp(ATTACKER, 1, "10.0.0.1", 2));
        h.tick();
        assertEquals(List.of("ban 10.0.0.2", "ban 10.0.0.1"), h.events);
        assertEquals(20_001, h.ban("10.0.0.1").initialPps());
    }

    @Test
    void totalsAreSummedOverShards() {
        Harness h = new Harness(new Settings().build(), 2);
        h.send(0, 3, udp(ATTACKER, 1, "10.0.0.1", 2));
        h.send(1, 4, udp(ATTACKER, 1, "10.0.0.1", 2));
        h.send(1, 5, udp("2001:db8::1", 1, "2001:db9::1", 2));
        h.tick();
        h.send(0, 2, udp(ATTACKER, 1, "10.0.0.1", 2));
        h.tick();
        long[] t = h.evaluator.totals();
        long[] last = h.evaluator.lastSecondTotals();
        int in4 = fastnetmon.counters.CounterShard.totalIndex(Direction.INCOMING, 4, 0);
        int out6 = fastnetmon.counters.CounterShard.totalIndex(Direction.OUTGOING, 6, 0);
        assertEquals(9, t[in4]);
        assertEquals(900, t[in4 + 1]);
        assertEquals(5, t[out6]);
        assertEquals(2, last[in4]);
        assertEquals(0, last[out6]);
        assertEquals(h.second, h.evaluator.lastTickSecond()); // the second the last tick happened at
    }

    @Test
    void manyHostsAcrossGrowth() {
        // Thousands of hosts in both shards (internal arrays grow) and the right one is banned.
        Harness h = new Harness(new Settings().build(), 2);
        for (int i = 0; i < 5000; i++) {
            h.send(i % 2, 1, udp(ATTACKER, 1, "10.5." + (i >> 8) + "." + (i & 0xff), 2));
        }
        h.tick();
        for (int i = 4999; i >= 0; i--) {
            h.send((i + 1) % 2, 2, udp(ATTACKER, 1, "10.5." + (i >> 8) + "." + (i & 0xff), 2));
        }
        h.send(0, 10_000, udp(ATTACKER, 1, "10.5.19.135", 2));
        h.send(1, 10_000, udp(ATTACKER, 1, "10.5.19.135", 2));
        h.tick();
        assertEquals(List.of("ban 10.5.19.135"), h.events);
        assertEquals(20_002, h.ban("10.5.19.135").initialPps());
        assertFalse(h.banned("10.5.0.0"));
    }
}
