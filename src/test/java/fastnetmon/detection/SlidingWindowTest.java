package fastnetmon.detection;

import fastnetmon.counters.CounterShard;
import fastnetmon.counters.HostTraffic;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The window's running sums against the sum of its ticks, tick after tick, as hosts come and go. */
class SlidingWindowTest {
    private static final int C = CounterShard.COUNTERS;
    private static final long TICK = 100_000_000L;

    @Test
    void aHostsLastSecondIsTheSumOfItsTicksInTheWindow() {
        SlidingWindow w = new SlidingWindow(TICK);
        Random random = new Random(7);
        int hosts = 40;
        Deque<long[][]> history = new ArrayDeque<>(); // per tick: host -> counts (null: not counted)
        for (int tick = 1; tick <= 300; tick++) {
            w.nextTick(tick * TICK, TICK);
            long[][] counted = new long[hosts][];
            for (int h = 0; h < hosts; h++) {
                if (random.nextInt(4) == 0) { // a quarter of the hosts in each tick
                    long[] c = new long[C];
                    for (int i = 0; i < C; i++) {
                        c[i] = random.nextInt(1000);
                    }
                    counted[h] = c;
                    w.add(h, c, false);
                    if (random.nextBoolean()) {
                        w.add(h, c, false); // a second counters instance with the same host
                        long[] twice = c.clone();
                        for (int i = 0; i < C; i++) {
                            twice[i] *= 2;
                        }
                        counted[h] = twice;
                    }
                }
            }
            history.addLast(counted);
            if (history.size() > 10) {
                history.removeFirst();
            }
            if (tick % 20 == 0) {
                w.trim(hosts);
            }
            HostTraffic t = new HostTraffic();
            for (int h = 0; h < hosts; h++) {
                double[] packets = new double[HostTraffic.SIZE];
                boolean seen = false;
                for (long[][] past : history) {
                    if (past[h] != null) {
                        seen = true;
                        for (int i = 0; i < HostTraffic.SIZE; i++) {
                            packets[i] += past[h][i * 3];
                        }
                    }
                }
                assertEquals(seen, w.contains(h), "tick " + tick + " host " + h);
                w.fill(h, t);
                assertEquals(1.0, t.seconds, 1e-9);
                assertArrayEquals(packets, t.packets, 1e-9, "tick " + tick + " host " + h);
            }
        }
    }
}
