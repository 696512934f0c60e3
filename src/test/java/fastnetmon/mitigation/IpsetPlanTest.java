package fastnetmon.mitigation;

import fastnetmon.config.Configuration;
import fastnetmon.counters.Direction;
import fastnetmon.counters.HostTraffic;
import fastnetmon.detection.Attack;
import fastnetmon.detection.SamplePacket;
import fastnetmon.networks.Cidr;
import fastnetmon.networks.IpAddresses;
import fastnetmon.packet.PacketRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the ipset action adds, from the ipset_* keys, on synthetic attacks. */
class IpsetPlanTest {
    @TempDir
    Path dir;

    private IpsetSettings settings(String keys) throws Exception {
        return IpsetSettings.from(MitigationFixtures.config(dir, keys));
    }

    private static Attack attack(String ip, Direction dir, SamplePacket... samples) {
        long[] a = IpAddresses.parse(ip);
        return new Attack(ip, a[0], a[1], dir, "udp_flood", "udp", new HostTraffic(), "pps 50000 > 20000", "global",
                1_000_000_000L).withSamples(List.of(samples));
    }

    private static SamplePacket from(String src, String dst, long packets) {
        return new SamplePacket(0, src, 123, dst, 53, 17, 0, false, packets, 100, 64);
    }

    private static SamplePacket flowRecord(String src, String dst, long packets) {
        return new SamplePacket(0, src, 123, dst, 53, 17, 0, false, packets, 100, 64, packets * 100, PacketRecord.ORIGIN_NETFLOW9);
    }

    private static SetMember m(String set, String ip, int timeout) {
        return new SetMember(set, Cidr.parse(ip), timeout);
    }

    @Test
    void readsTheKeys() throws Exception {
        IpsetSettings s = settings("ipset = on\nipset_name = bans\nipset_name_ipv6 = bans6\nipset_target = sources\n"
                + "ipset_max_sources = 7\nipset_timeout = 300\n");
        assertEquals(new IpsetSettings(true, "bans", "bans6", true, 7, 300, null), s);
        assertTrue(s.problem().isEmpty());
        IpsetSettings d = IpsetSettings.from(Configuration.defaults());
        assertEquals(new IpsetSettings(false, "fastnetmon_bans", "fastnetmon_bans6", false, 20, 1900 + 60, null), d);
    }

    @Test
    void theTimeoutDefaultsToTheBanTimeAndAMinute() throws Exception {
        assertEquals(3660, settings("ban_time = 3600\n").timeoutSeconds());
        assertEquals(120, settings("ban_time = 3600\nipset_timeout = 120\n").timeoutSeconds(), "as configured");
        assertEquals(0, settings("ban_time = 0\n").timeoutSeconds(), "a ban never lifted: a member never dropped");
        assertEquals(IpsetSettings.MAX_TIMEOUT, settings("ban_time = 31536000\n").timeoutSeconds(), "the kernel's highest");
    }

    @Test
    void namesIpsetWouldRefuseAreAProblemNamingTheKey() throws Exception {
        assertEquals("ipset_name is empty: name the set", settings("ipset = on\nipset_name =\n").problem().orElseThrow());
        String longName = "a".repeat(32);
        assertEquals("ipset_name_ipv6: '" + longName + "' is longer than the 31 characters ipset takes",
                settings("ipset = on\nipset_name_ipv6 = " + longName + "\n").problem().orElseThrow());
        assertTrue(settings("ipset = on\nipset_name = " + "a".repeat(31) + "\n").problem().isEmpty(), "31 is fine");
        assertEquals("ipset_name: 'my bans' has spaces; ipset names are one word",
                settings("ipset = on\nipset_name = my bans\n").problem().orElseThrow());
        assertTrue(settings("ipset = on\nipset_name = -x\n").problem().orElseThrow().startsWith("ipset_name: '-x' starts with '-'"));
        assertTrue(settings("ipset = on\nipset_name = same\nipset_name_ipv6 = same\n").problem().orElseThrow()
                .startsWith("ipset_name_ipv6: 'same' is also ipset_name"));
        assertTrue(settings("ipset = off\nipset_name =\n").problem().isEmpty(), "off: no problem");
    }

    @Test
    void hostTargetAddsTheBannedHostAtTheBan() throws Exception {
        IpsetPlan plan = new IpsetPlan(settings("ipset = on\nban_time = 600\n"));
        Attack v4 = attack("10.1.2.3", Direction.INCOMING, from("203.0.113.9", "10.1.2.3", 10));
        MitigationPlan.Planned p = plan.atBan(v4);
        assertEquals(List.of(m("fastnetmon_bans", "10.1.2.3", 660)), p.announcements());
        assertNull(p.note());
        assertEquals(MitigationPlan.Planned.NOTHING, plan.atDetails(v4), "the samples change nothing");
        Attack v6 = attack("2001:db8::5", Direction.INCOMING);
        assertEquals(List.of(m("fastnetmon_bans6", "2001:db8::5", 660)), plan.atBan(v6).announcements());
        assertEquals(List.of(m("fastnetmon_bans", "10.1.2.3", 660)), plan.atBan(attack("10.1.2.3", Direction.OUTGOING)).announcements());
    }

    @Test
    void sourcesTargetAddsTheTopSourcesByPacketsOnceTheSamplesAreIn() throws Exception {
        IpsetPlan plan = new IpsetPlan(settings("ipset = on\nipset_target = sources\nipset_max_sources = 3\nipset_timeout = 900\n"));
        List<SamplePacket> samples = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            samples.add(from("198.51.100.1", "10.1.2.3", 1)); // 5 packets in all
        }
        samples.add(flowRecord("198.51.100.2", "10.1.2.3", 50)); // one flow record standing for 50 packets
        samples.add(from("198.51.100.3", "10.1.2.3", 1));
        samples.add(from("198.51.100.4", "10.1.2.3", 1));
        samples.add(from("198.51.100.3", "10.1.2.3", 1));
        samples.add(from("198.51.100.5", "10.1.2.3", 1));
        Attack a = attack("10.1.2.3", Direction.INCOMING, samples.toArray(SamplePacket[]::new));
        assertEquals(MitigationPlan.Planned.NOTHING, plan.atBan(a), "nothing before the samples");
        MitigationPlan.Planned p = plan.atDetails(a);
        assertEquals(List.of(m("fastnetmon_bans", "198.51.100.2", 900), m("fastnetmon_bans", "198.51.100.1", 900),
                m("fastnetmon_bans", "198.51.100.3", 900)), p.announcements(), "busiest first, at most 3");
        assertNull(p.note());
    }

    @Test
    void sourcesGoToTheSetOfTheirFamily() throws Exception {
        IpsetPlan plan = new IpsetPlan(settings("ipset = on\nipset_target = sources\nipset_name_ipv6 = six\n"));
        Attack a = attack("2001:db8::5", Direction.INCOMING, from("2001:db8:ffff::1", "2001:db8::5", 3),
                from("not an address", "2001:db8::5", 100), from("2001:db8:ffff::2", "2001:db8::5", 1));
        assertEquals(List.of(m("six", "2001:db8:ffff::1", 1960), m("six", "2001:db8:ffff::2", 1960)),
                plan.atDetails(a).announcements(), "what is not an address is left out");
    }

    @Test
    void sourcesWithoutSamplesAddNothingAndSayWhy() throws Exception {
        IpsetPlan plan = new IpsetPlan(settings("ipset = on\nipset_target = sources\n"));
        MitigationPlan.Planned p = plan.atDetails(attack("10.1.2.3", Direction.INCOMING));
        assertEquals(List.of(), p.announcements());
        assertEquals("no sample packets with a source address for 10.1.2.3: no attacker to add to ipset "
                + "fastnetmon_bans/fastnetmon_bans6", p.note());
    }

    @Test
    void anOutgoingAttackAddsOurHostWhateverTheTarget() throws Exception {
        IpsetPlan plan = new IpsetPlan(settings("ipset = on\nipset_target = sources\nipset_timeout = 77\n"));
        Attack out = attack("10.1.2.3", Direction.OUTGOING, from("10.1.2.3", "203.0.113.1", 9));
        assertEquals(List.of(m("fastnetmon_bans", "10.1.2.3", 77)), plan.atBan(out).announcements(), "the attacker is ours");
        assertEquals(MitigationPlan.Planned.NOTHING, plan.atDetails(out));
    }
}
