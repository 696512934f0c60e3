package fastnetmon.detection;

import fastnetmon.config.GroupTotals;
import fastnetmon.config.TrafficClass;
import fastnetmon.counters.Direction;
import fastnetmon.detection.Harness.Limits;
import fastnetmon.detection.Harness.Settings;
import fastnetmon.networks.Cidr;
import org.junit.jupiter.api.Test;

import java.util.List;

import static fastnetmon.counters.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Carpet bombing: a flood spread over a /24, each address far under its own threshold, crosses the
 * hostgroup's total threshold and bans the network as a whole (its CIDR in place of the address), and
 * no host; the ban is unbanned on time, and kept while the network still crosses with
 * unban_only_if_attack_finished; the ban journal takes it up again.
 */
class CarpetBombingTest {
    private static final String ATTACKER = "198.51.100.7";
    private static final GroupTotals TOTAL_50K = new GroupTotals(true, 50_000, false, 0, false, 0);

    private static Harness harness(long banTime, boolean untilFinished) {
        Settings s = new Settings().group("customers", Limits.none().pps(TrafficClass.TOTAL, 20_000), TOTAL_50K,
                "10.20.0.0/24", "2001:db8:20::/64");
        s.banTime = banTime;
        s.unbanOnlyIfAttackFinished = untilFinished;
        return new Harness(s.build());
    }

    /** 254 hosts of 10.20.0.0/24 at {@code each} pps. */
    private static void spread(Harness h, int each) {
        for (int i = 1; i < 255; i++) {
            h.send(each, udp(ATTACKER, 1000, "10.20.0." + i, 53));
        }
    }

    @Test
    void aFloodSpreadOverTheNetworkBansTheNetworkAndNoHost() {
        Harness h = harness(0, false);
        spread(h, 190); // 48,260 in total: under 50k
        h.tick();
        assertEquals(List.of(), h.events);
        spread(h, 400); // 101,600 in total, 400 a host
        h.send(5_000, udp(ATTACKER, 1000, "10.0.0.9", 53)); // outside the group: not in its total
        h.tick();
        assertEquals(List.of("ban 10.20.0.0/24"), h.events);
        Attack a = h.ban("10.20.0.0/24");
        assertEquals("customers", a.hostgroup);
        assertEquals(Direction.INCOMING, a.direction);
        assertEquals(101_600, a.initialPps());
        assertEquals("total pps 101600 > 50000", a.reason);
        assertEquals("udp_flood", a.attackType);
        h.tick(); // no samples of a network as a whole: attack_details at once
        assertEquals(List.of("ban 10.20.0.0/24", "details 10.20.0.0/24 0"), h.events);
    }

    @Test
    void theNetworkIsUnbannedOnTimeOrOnceItsTotalIsUnderTheThreshold() {
        Harness h = harness(2, true);
        spread(h, 400);
        h.tick();
        assertTrue(h.banned("10.20.0.0/24"));
        for (int s = 0; s < 3; s++) {
            spread(h, 400);
            h.tick();
        }
        assertTrue(h.unbans.isEmpty(), "still crossing its total: " + h.events);
        spread(h, 100);
        h.tick();
        assertEquals("unban 10.20.0.0/24", h.events.get(h.events.size() - 1));
    }

    @Test
    void aNetworkBanIsTakenUpAgainAfterARestart() {
        Harness h = harness(0, false);
        spread(h, 400);
        h.tick();
        Attack a = h.ban("10.20.0.0/24");
        Harness restarted = harness(0, false);
        assertTrue(restarted.evaluator.restoreBan(a, a.bannedAtNanos));
        assertEquals(List.of("restored 10.20.0.0/24"), restarted.events);
        assertEquals("10.20.0.0/24", restarted.evaluator.activeBans().get(0).ip);
    }

    @Test
    void networkKeysAreNoHostsAddressAndRoundTrip() {
        for (String text : List.of("10.20.0.0/24", "0.0.0.0/0", "192.0.2.128/25", "2001:db8:20::/64", "2001:db8::/32")) {
            Cidr c = Cidr.parse(text);
            long[] key = SubnetKey.of(c);
            assertEquals(c, SubnetKey.cidrOf(key[0], key[1]), text);
        }
        long[] host = fastnetmon.counters.TestPackets.addr("10.20.0.0");
        assertNull(SubnetKey.cidrOf(host[0], host[1]));
        long[] v6 = fastnetmon.counters.TestPackets.addr("2001:db8:20::1");
        assertNull(SubnetKey.cidrOf(v6[0], v6[1]));
    }
}
