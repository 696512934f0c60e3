package fastnetmon.counters;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeavyHittersTest {
    @Test
    void findsTheHeavyHostsOfASecondAndNoneOfAThinFlood() {
        HeavyHitters hh = new HeavyHitters(2_000, 0);
        // 400k packets over 100k hosts (4 each), and two hosts of 2500 and 3000 packets among them.
        for (int round = 0; round < 4; round++) {
            for (int i = 0; i < 100_000; i++) {
                hh.add(0, 0x0a00_0000L + i, 1, 60);
                if (i % 40 == 0) {
                    hh.add(0, 0x0b00_0001L, 1, 60);
                }
                if (i % 33 == 0) {
                    hh.add(0, 0x0b00_0002L, 1, 60);
                }
            }
        }
        Set<Long> found = new HashSet<>();
        for (int k = 0; k < hh.candidates(); k++) {
            assertEquals(0, hh.candidateHi(k));
            found.add(hh.candidateLo(k));
        }
        assertEquals(Set.of(0x0b00_0001L, 0x0b00_0002L), found);
        assertTrue(hh.estimatePackets(0, 0x0b00_0001L) >= 10_000);

        hh.clear();
        assertEquals(0, hh.candidates());
        assertEquals(0, hh.estimatePackets(0, 0x0b00_0001L));
    }

    @Test
    void findsHostsHeavyInBytesAndKeepsAtMostAFewCandidatesASecond() {
        HeavyHitters hh = new HeavyHitters(0, 1_000_000);
        for (int i = 0; i < 700; i++) {
            hh.add(1, 7, 1, 1500);   // 1.05 MB
            hh.add(1, 8, 1, 1000);   // 0.7 MB: not heavy
        }
        assertEquals(1, hh.candidates());
        assertEquals(7, hh.candidateLo(0));
        hh.clear();
        for (int host = 0; host < 1000; host++) {
            hh.add(2, host, 1, 2_000_000);
        }
        assertEquals(HeavyHitters.MAX_CANDIDATES, hh.candidates());
        assertEquals(0, hh.candidateLo(0), "in the order found");
    }
}
