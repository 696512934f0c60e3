package fastnetmon.detection;

import fastnetmon.counters.CounterShard;
import fastnetmon.counters.Direction;
import fastnetmon.counters.MonitoredNetworks;
import fastnetmon.counters.TestPackets;
import fastnetmon.counters.TrackingLimits;
import fastnetmon.config.TrafficClass;
import fastnetmon.detection.Harness.Settings;
import fastnetmon.packet.PacketRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static fastnetmon.counters.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sub-second detection: ticks every 100 ms of packet time over a sliding one-second window. A flood that
 * starts in the middle of a second is banned within 0.2 s with its own rate, not one diluted by the
 * quiet part of the window; traffic at or under the threshold in every one-second window is never
 * banned, bursts included, while a burst over it that straddles the turn of a second is; counters that
 * count whole seconds (flows) are taken at their one-second rate.
 */
class SubSecondDetectionTest {
    private static final long TICK = 100_000_000L;
    private static final long START = Harness.FIRST_SECOND * 1_000_000_000L;
    private static final String ATTACKER = "198.51.100.7";

    /** A shard counted period by period and an evaluator ticking at each period's end. */
    private static final class Rig implements BanListener {
        final CounterShard packets = shard("capture", false);
        final CounterShard flows = shard("flows", true);
        final Evaluator evaluator;
        final List<Attack> bans = new ArrayList<>();
        long now = START; // the start of the current period

        Rig(Settings s) {
            evaluator = new Evaluator(s.build(), List.of(packets, flows), this);
            packets.onSecond(Harness.FIRST_SECOND);
            flows.onSecond(Harness.FIRST_SECOND);
        }

        static CounterShard shard(String name, boolean wholeSeconds) {
            return new CounterShard(name, new MonitoredNetworks(List.of(), TestPackets.networks("10.0.0.0/8")), 16,
                    new TrackingLimits(CounterShard.MAX_HOSTS, CounterShard.IDLE_SECONDS, 0, 0), wholeSeconds);
        }

        /** Counts {@code n} packets spread over the current period on the capture shard, then ticks. */
        Rig period(int n, PacketRecord r) {
            count(packets, n, r, TICK);
            return tick();
        }

        Rig periods(int count, int n, PacketRecord r) {
            for (int i = 0; i < count; i++) {
                period(n, r);
            }
            return this;
        }

        void count(CounterShard shard, int n, PacketRecord r, long over) {
            for (int i = 0; i < n; i++) {
                r.timestampNanos = now + over * i / n;
                shard.count(r);
            }
        }

        Rig tick() {
            packets.publish();
            flows.publish();
            now += TICK;
            evaluator.tick(now, TICK);
            if (now % 1_000_000_000L == 0) {
                packets.onSecond(now / 1_000_000_000L);
                flows.onSecond(now / 1_000_000_000L);
            }
            return this;
        }

        Attack ban(String ip) {
            return bans.stream().filter(a -> a.ip.equals(ip)).findFirst().orElse(null);
        }

        @Override
        public void onEvent(BanEvent e) {
            if (e.kind() == BanEvent.Kind.BAN) {
                bans.add(e.attack());
            }
        }
    }

    @Test
    void floodStartingMidSecondIsBannedWithinTwoTicksWithItsOwnRate() {
        Rig rig = new Rig(new Settings());
        PacketRecord flood = udp(ATTACKER, 1000, "10.0.0.1", 53);
        rig.periods(5, 0, flood);                         // a quiet half second
        long start = rig.now + TICK / 2;                  // the flood starts at .55: 200 kpps
        rig.now += TICK / 2;
        rig.count(rig.packets, 10_000, flood, TICK / 2);  // its first half period, from .55
        rig.now -= TICK / 2;
        rig.tick();
        assertEquals(List.of(), rig.bans, "10k packets in the last second");
        rig.period(20_000, flood);                        // 30k packets in the last second
        Attack a = rig.ban("10.0.0.1");
        assertTrue(a != null, "banned at the second tick of the flood");
        assertTrue(a.bannedAtNanos - start <= 200_000_000L, (a.bannedAtNanos - start) + " ns after the start");
        assertEquals(200_000, a.initialPps(), "the flood's rate, not 30k a second");
        assertEquals(200_000, a.initial.pps(Direction.INCOMING, TrafficClass.UDP), 1e-6);
        assertEquals("pps 30000 > 20000", a.reason);

        rig.periods(12, 20_000, flood); // while banned, a full second of the flood: its one-second rate is the peak
        Attack now = rig.evaluator.banOf(TestPackets.addr("10.0.0.1")[0], TestPackets.addr("10.0.0.1")[1]);
        assertEquals(200_000, now.peakPps);
    }

    @Test
    void captureRunningLateDoesNotShowAsABurst() {
        // Capture falls behind by a tick: the packets of one tenth of a second are counted only after its
        // tick, so the next tick holds two tenths of a second of packets, and their own times say so.
        Rig rig = new Rig(new Settings());
        PacketRecord background = udp(ATTACKER, 1000, "10.0.0.9", 53), flood = udp(ATTACKER, 1000, "10.0.0.1", 53);
        rig.periods(5, 3_000, background);
        rig.tick(); // nothing counted: capture is late
        assertEquals(List.of(), rig.bans);
        rig.now -= TICK; // what came in then is counted now, with its own times
        rig.count(rig.packets, 3_000, background, TICK);
        rig.count(rig.packets, 20_000, flood, TICK);
        rig.now += TICK;
        rig.count(rig.packets, 3_000, background, TICK);
        rig.count(rig.packets, 20_000, flood, TICK);
        rig.tick();
        Attack a = rig.ban("10.0.0.1");
        assertTrue(a != null);
        assertEquals(200_000, a.initialPps(), 200, "the flood's rate, not 40,000 packets in one tenth of a second");
    }

    @Test
    void aFloodThatFillsTheWindowIsMeasuredOverTheWholeWindow() {
        // Just under the threshold for a second (19.9k), then over it: the attack fills the window, so its
        // power is the window's.
        Rig rig = new Rig(new Settings());
        PacketRecord r = udp(ATTACKER, 1000, "10.0.0.3", 53);
        rig.periods(10, 1_990, r);
        assertEquals(List.of(), rig.bans);
        rig.period(2_200, r); // the window: nine periods of 1990 and one of 2200
        Attack a = rig.ban("10.0.0.3");
        assertTrue(a != null);
        assertEquals(9 * 1_990 + 2_200, a.initialPps());
    }

    @Test
    void atOrUnderTheThresholdInEveryOneSecondWindowIsNeverBannedBurstsIncluded() {
        Rig rig = new Rig(new Settings());
        PacketRecord r = udp(ATTACKER, 1000, "10.0.0.2", 53);
        // Every second: a burst of 16k in its first 100 ms, then 4k over the rest: any ten periods hold 20k.
        for (int s = 0; s < 5; s++) {
            rig.period(16_000, r);
            rig.periods(8, 500, r);
            rig.period(0, r);
        }
        assertEquals(List.of(), rig.bans, "20000 packets in every one-second window is not more than 20000");
        rig.period(16_001, r); // one packet more in a window: banned
        Attack a = rig.ban("10.0.0.2");
        assertTrue(a != null);
        assertEquals("pps 20001 > 20000", a.reason);
    }

    @Test
    void aBurstStraddlingTheTurnOfASecondIsCaughtInTheWindowBetween() {
        // 10.5k in the second half of one second and 10.5k in the first half of the next: each whole second
        // holds 10.5k, but the second between them holds 21k.
        Rig rig = new Rig(new Settings());
        PacketRecord r = udp(ATTACKER, 1000, "10.0.0.4", 53);
        rig.periods(5, 0, r);
        rig.periods(5, 2_100, r);
        assertEquals(List.of(), rig.bans);
        rig.periods(4, 2_100, r);
        assertEquals(List.of(), rig.bans, "18900 in the window");
        rig.period(2_100, r);
        Attack a = rig.ban("10.0.0.4");
        assertTrue(a != null, "21000 in the last second");
        assertEquals(21_000, a.initialPps(), "the burst's rate over its ten periods");
    }

    @Test
    void countersOfWholeSecondsAreTakenAtTheirOneSecondRate() {
        // Flow records of a second are counted into the flows shard at once; ticks every 100 ms must
        // neither read them as a tenth of a second (ten times the rate) nor count them twice.
        Rig rig = new Rig(new Settings());
        PacketRecord r = udp(ATTACKER, 1000, "10.0.0.5", 53);
        for (int s = 0; s < 3; s++) {
            rig.count(rig.flows, 15_000, r, 1_000_000_000L);
            rig.periods(10, 0, r);
        }
        assertEquals(List.of(), rig.bans, "15k a second from flows");
        rig.count(rig.flows, 25_000, r, 1_000_000_000L);
        rig.periods(10, 0, r);
        Attack a = rig.ban("10.0.0.5");
        assertTrue(a != null);
        assertEquals(25_000, a.initialPps());
    }
}
