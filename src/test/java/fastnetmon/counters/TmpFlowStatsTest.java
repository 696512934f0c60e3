package fastnetmon.counters;

import org.junit.jupiter.api.Test;
import java.util.SplittableRandom;

class TmpFlowStatsTest {
    @Test
    void stats() {
        for (int log2 : new int[]{12, 14}) {
            for (int n : new int[]{5_000, 50_000, 200_000}) {
                double sq = 0, max = 0; int trials = 0, over5 = 0;
                for (int seed = 0; seed < 200; seed++) {
                    FlowTracker t = new FlowTracker(log2);
                    SplittableRandom rnd = new SplittableRandom(seed);
                    for (int sec = 0; sec < 3; sec++) {
                        t.nextSecond();
                        long sum = 0;
                        for (int i = 0; i < n; i++) sum += t.add(rnd.nextLong());
                        double err = (sum - n) / (double) n;
                        sq += err * err; trials++; max = Math.max(max, Math.abs(err));
                        if (Math.abs(err) >= 0.05) over5++;
                    }
                }
                System.out.printf("log2=%d n=%d rms=%.4f max=%.4f over5=%d/%d%n", log2, n, Math.sqrt(sq / trials), max, over5, trials);
            }
        }
    }
}
