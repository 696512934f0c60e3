package fastnetmon.mitigation;

import fastnetmon.counters.Direction;
import fastnetmon.detection.Attack;
import fastnetmon.networks.Cidr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static fastnetmon.mitigation.MitigationFixtures.attack;
import static fastnetmon.mitigation.MitigationFixtures.config;
import static fastnetmon.mitigation.MitigationFixtures.packet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BgpPlanTest {
    @TempDir
    Path dir;

    private BgpPlan plan(BgpSettings s) throws Exception {
        return new BgpPlan(s, config(dir).networks());
    }

    @Test
    void exabgpAnnouncesTheHostAndItsLongestNetworkWithFastNetMonsCommunities() throws Exception {
        BgpSettings s = BgpSettings.exabgp(config(dir, "exabgp = on", "exabgp_community = [65001:666 65001:777]",
                "exabgp_community_subnet = 65001:667", "exabgp_next_hop = 10.0.3.114", "exabgp_announce_whole_subnet = on"));
        assertEquals(Optional.empty(), s.problem());
        Attack a = attack("10.10.5.7", Direction.INCOMING, 0, null);
        assertEquals(List.of(new Route(Cidr.parse("10.10.5.7/32"), "10.0.3.114", List.of("65001:666", "65001:777")),
                        new Route(Cidr.parse("10.10.5.0/24"), "10.0.3.114", List.of("65001:667"))),
                plan(s).atBan(a).announcements());
        assertEquals(List.of(), plan(s).atDetails(a).announcements(), "no FlowSpec: nothing more once the samples are in");
    }

    @Test
    void gobgpHasItsOwnIpv6Switches() throws Exception {
        Attack v6 = attack("2001:db8:10::5", Direction.INCOMING, 0, null);
        BgpSettings off = BgpSettings.gobgp(config(dir, "gobgp = on"));
        assertEquals(List.of(), plan(off).atBan(v6).announcements(), "FastNetMon's default: gobgp_announce_host_ipv6 = off");
        BgpSettings on = BgpSettings.gobgp(config(dir, "gobgp = on", "gobgp_announce_host_ipv6 = on",
                "gobgp_next_hop_ipv6 = 2001:db8::1", "gobgp_community_host_ipv6 = 65001:666"));
        assertEquals(List.of(new Route(Cidr.parse("2001:db8:10::5/128"), "2001:db8::1", List.of("65001:666"))),
                plan(on).atBan(v6).announcements());
        assertEquals(List.of(new Route(Cidr.parse("10.10.0.9/32"), "0.0.0.0", List.of("65001:666"))),
                plan(on).atBan(attack("10.10.0.9", Direction.OUTGOING, 0, null)).announcements());
    }

    @Test
    void withFlowSpecTheRuleComesWithTheSamplesAndTheBlackholeOnlyWhenNoRuleCanBeMade() throws Exception {
        BgpSettings s = BgpSettings.gobgp(config(dir, "gobgp = on", "gobgp_flowspec = on"));
        Attack ntp = attack("10.10.0.5", Direction.INCOMING, 20,
                i -> packet("192.0.2." + i, 123, "10.10.0.5", 27015, 17, 0, 482, false));
        assertEquals(List.of(), plan(s).atBan(ntp).announcements(), "no blackhole while the rule is to come");
        assertEquals(List.of(new FlowSpecRule(Cidr.parse("10.10.0.5/32"), 17, 123, 27015, -1, false, 0)),
                plan(s).atDetails(ntp).announcements(), "both ports are the attack's: both narrow the rule");

        Attack random = attack("10.10.0.5", Direction.INCOMING, 20,
                i -> packet("192.0.2.1", 1000 + i, "10.10.0.5", 2000 + i, 17, 0, 100, false));
        MitigationPlan.Planned fallback = plan(s).atDetails(random);
        assertEquals(List.of(new Route(Cidr.parse("10.10.0.5/32"), "0.0.0.0", List.of("65001:666"))), fallback.announcements());
        assertTrue(fallback.note().startsWith("no FlowSpec rule for 10.10.0.5: no port covers 90%"), fallback.note());
        assertTrue(fallback.note().endsWith("; blackhole instead"), fallback.note());

        BgpSettings noFallback = BgpSettings.gobgp(config(dir, "gobgp = on", "gobgp_flowspec = on", "flowspec_fallback_blackhole = off"));
        MitigationPlan.Planned none = plan(noFallback).atDetails(random);
        assertEquals(List.of(), none.announcements());
        assertTrue(none.note().endsWith("; nothing announced (no blackhole configured)"), none.note());
    }

    @Test
    void badCommunitiesAndNextHopsAreOneLineNamingTheKey() throws Exception {
        assertEquals(Optional.of("exabgp_community: '65001:66666' is not a community (ASN:VALUE, each 0-65535)"),
                BgpSettings.exabgp(config(dir, "exabgp = on", "exabgp_community = 65001:66666")).problem());
        assertEquals(Optional.of("gobgp_next_hop_ipv6: '10.0.0.1' is not an IPv6 address"),
                BgpSettings.gobgp(config(dir, "gobgp = on", "gobgp_next_hop_ipv6 = 10.0.0.1")).problem());
        assertEquals(Optional.empty(), BgpSettings.gobgp(config(dir, "gobgp_next_hop = nowhere")).problem(), "off: not looked at");
        assertEquals(List.of("65001:666", "0:1"), BgpSettings.parseCommunities("[65001:666, 00:1]"));
        assertThrows(IllegalArgumentException.class, () -> BgpSettings.parseCommunities("65001"));
    }
}
