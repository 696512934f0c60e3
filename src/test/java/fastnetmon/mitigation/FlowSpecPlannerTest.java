package fastnetmon.mitigation;

import fastnetmon.counters.Direction;
import fastnetmon.detection.Attack;
import fastnetmon.networks.Cidr;
import org.junit.jupiter.api.Test;

import static fastnetmon.mitigation.MitigationFixtures.attack;
import static fastnetmon.mitigation.MitigationFixtures.packet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowSpecPlannerTest {
    private static final FlowSpecSettings DISCARD = new FlowSpecSettings(0, 0.9, true);

    @Test
    void anNtpAmplificationIsMatchedByProtocolAndSourcePort() {
        Attack a = attack("10.10.0.5", Direction.INCOMING, 20,
                i -> packet("192.0.2." + (i % 7), 123, "10.10.0.5", 40000 + i, 17, 0, 482, false));
        FlowSpecPlanner.Result r = FlowSpecPlanner.plan(a, DISCARD);
        assertEquals(new FlowSpecRule(Cidr.parse("10.10.0.5/32"), 17, 123, -1, -1, false, 0), r.rule());
        assertEquals("flowspec destination 10.10.0.5/32 protocol 17 source-port 123 discard", r.rule().text());
    }

    @Test
    void aSynFloodOnOnePortIsMatchedByPortAndFlags() {
        Attack a = attack("2001:db8:10::5", Direction.INCOMING, 20,
                i -> packet("2001:db8:ffff::" + (i + 1), 1024 + i, "2001:db8:10::5", 443, 6, 0x02, 74, false));
        FlowSpecRule r = FlowSpecPlanner.plan(a, new FlowSpecSettings(125_000, 0.9, true)).rule();
        assertEquals(new FlowSpecRule(Cidr.parse("2001:db8:10::5/128"), 6, -1, 443, 0x02, false, 125_000), r);
        assertEquals("flowspec destination 2001:db8:10::5/128 protocol 6 destination-port 443 tcp-flags syn rate-limit 125000",
                r.text());
    }

    @Test
    void aRandomPortUdpFloodWouldDropAllUdpToTheHostSoNoRuleIsMade() {
        Attack a = attack("10.10.0.5", Direction.INCOMING, 20,
                i -> packet("192.0.2.1", 1000 + i, "10.10.0.5", 2000 + i, 17, 0, 100, false));
        FlowSpecPlanner.Result r = FlowSpecPlanner.plan(a, DISCARD);
        assertNull(r.rule());
        assertTrue(r.whyNot().startsWith("no port covers 90% of the samples"), r.whyNot());
        assertTrue(r.whyNot().endsWith("a rule would drop all udp to the host"), r.whyNot());
    }

    @Test
    void withoutADominantProtocolNoRuleIsMade() {
        Attack a = attack("10.10.0.5", Direction.INCOMING, 20,
                i -> packet("192.0.2.1", 53, "10.10.0.5", 53, i % 2 == 0 ? 17 : 1, 0, 100, false));
        FlowSpecPlanner.Result r = FlowSpecPlanner.plan(a, DISCARD);
        assertNull(r.rule());
        assertEquals("no protocol covers 90% of the samples (icmp 50%, udp 50%)", r.whyNot());
    }

    @Test
    void theShareIsTheOperatorsToSet() {
        Attack a = attack("10.10.0.5", Direction.INCOMING, 10,
                i -> packet("192.0.2.1", i < 8 ? 123 : 53, "10.10.0.5", 80, 17, 0, 400, false));
        assertEquals(-1, FlowSpecPlanner.plan(a, DISCARD).rule().srcPort(), "80% is not 90%: no source port");
        assertEquals(123, FlowSpecPlanner.plan(a, new FlowSpecSettings(0, 0.8, true)).rule().srcPort());
    }

    @Test
    void fragmentsAloneMakeARule() {
        Attack a = attack("10.10.0.5", Direction.INCOMING, 20,
                i -> packet("192.0.2.1", 0, "10.10.0.5", 0, i % 2 == 0 ? 17 : 47, 0, 1500, true));
        assertEquals(new FlowSpecRule(Cidr.parse("10.10.0.5/32"), -1, -1, -1, -1, true, 0), FlowSpecPlanner.plan(a, DISCARD).rule());
    }

    @Test
    void noSamplesOrAnOutgoingAttackMakeNoRule() {
        assertEquals("no sample packets to make a rule from",
                FlowSpecPlanner.plan(attack("10.10.0.5", Direction.INCOMING, 0, null), DISCARD).whyNot());
        Attack out = attack("10.10.0.5", Direction.OUTGOING, 20,
                i -> packet("10.10.0.5", 123, "192.0.2.1", 80, 17, 0, 400, false));
        assertTrue(FlowSpecPlanner.plan(out, DISCARD).whyNot().contains("this attack is outgoing"));
    }
}
