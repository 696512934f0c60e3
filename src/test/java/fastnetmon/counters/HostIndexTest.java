package fastnetmon.counters;

import fastnetmon.packet.PacketRecord;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostIndexTest {

    @Test
    void slotsAreDenseInOrderOfFirstSight() {
        HostIndex idx = new HostIndex(16);
        assertEquals(-1, idx.find(0, 1));
        assertEquals(0, idx.findOrInsert(0, 1));
        assertTrue(idx.lastInsertWasNew());
        assertEquals(1, idx.findOrInsert(0, 2));
        assertTrue(idx.lastInsertWasNew());
        assertEquals(0, idx.findOrInsert(0, 1));
        assertFalse(idx.lastInsertWasNew());
        assertEquals(1, idx.find(0, 2));
        assertEquals(2, idx.size());
    }

    @Test
    void manyKeysSurviveGrowth() {
        HostIndex idx = new HostIndex(16);
        SplittableRandom rnd = new SplittableRandom(7);
        int n = 200_000;
        long[] hi = new long[n], lo = new long[n];
        for (int i = 0; i < n; i++) {
            // Half random IPv6 addresses, half IPv4-mapped ones in one /16 (consecutive keys).
            if (i % 2 == 0) {
                hi[i] = rnd.nextLong();
                lo[i] = rnd.nextLong();
            } else {
                hi[i] = 0;
                lo[i] = PacketRecord.V4_MAPPED_PREFIX | (0x0a000000L + i);
            }
            assertEquals(i, idx.findOrInsert(hi[i], lo[i]));
            assertTrue(idx.lastInsertWasNew());
        }
        assertEquals(n, idx.size());
        for (int i = 0; i < n; i++) {
            assertEquals(i, idx.find(hi[i], lo[i]));
            assertEquals(i, idx.findOrInsert(hi[i], lo[i]));
            assertFalse(idx.lastInsertWasNew());
        }
        assertEquals(n, idx.size());
        assertEquals(-1, idx.find(1, 1));
        assertEquals(-1, idx.find(0, PacketRecord.V4_MAPPED_PREFIX | (0x0a000000L + n + 1)));
    }

    @Test
    void ipv4MappedAndIpv6KeysAreDistinct() {
        HostIndex idx = new HostIndex(16);
        long v4 = 0x0a000001L; // 10.0.0.1
        int mapped = idx.findOrInsert(0, PacketRecord.V4_MAPPED_PREFIX | v4);   // ::ffff:10.0.0.1
        int compat = idx.findOrInsert(0, v4);                                   // ::10.0.0.1
        int swapped = idx.findOrInsert(PacketRecord.V4_MAPPED_PREFIX | v4, 0);  // hi/lo swapped
        int v6 = idx.findOrInsert(0x20010db8_00000000L, v4);                    // 2001:db8::a00:1
        assertEquals(0, mapped);
        assertEquals(1, compat);
        assertEquals(2, swapped);
        assertEquals(3, v6);
        assertEquals(0, idx.find(0, PacketRecord.V4_MAPPED_PREFIX | v4));
        assertEquals(1, idx.find(0, v4));
        assertEquals(2, idx.find(PacketRecord.V4_MAPPED_PREFIX | v4, 0));
        assertEquals(3, idx.find(0x20010db8_00000000L, v4));
    }

    @Test
    void zeroAddressIsAKeyLikeAnyOther() {
        HostIndex idx = new HostIndex(16);
        idx.findOrInsert(5, 5);
        assertEquals(-1, idx.find(0, 0));
        assertEquals(1, idx.findOrInsert(0, 0));
        assertEquals(1, idx.find(0, 0));
    }

    @Test
    void removalsKeepEveryOtherHostFindableAndSlotsAreReused() {
        // Random inserts and removals against a reference map, with a small table so probe runs are long.
        java.util.Random r = new java.util.Random(11);
        HostIndex idx = new HostIndex(16);
        java.util.Map<Long, Integer> ref = new java.util.HashMap<>();
        java.util.Set<Integer> freed = new java.util.HashSet<>();
        for (int step = 0; step < 200_000; step++) {
            long key = r.nextInt(3000);
            if (r.nextInt(3) == 0) {
                Integer had = ref.remove(key);
                int slot = idx.remove(0, key);
                assertEquals(had == null ? -1 : had, slot);
                if (had != null) {
                    freed.add(had);
                }
            } else {
                int slot = idx.findOrInsert(0, key);
                Integer had = ref.putIfAbsent(key, slot);
                if (had != null) {
                    assertEquals((int) had, slot);
                } else {
                    assertTrue(idx.lastInsertWasNew());
                    if (!freed.isEmpty()) {
                        assertTrue(freed.remove(slot), "a freed slot is reused before a new one: " + slot);
                    }
                }
            }
            if (step % 10_000 == 0) {
                for (java.util.Map.Entry<Long, Integer> e : ref.entrySet()) {
                    assertEquals((int) e.getValue(), idx.find(0, e.getKey()));
                }
            }
        }
        assertEquals(ref.size(), idx.size());
        assertTrue(idx.slotLimit() <= 3000, "slots stay within the hosts ever present at once: " + idx.slotLimit());
    }

    @Test
    void freedSlotsAreReusedLowestFirstAndTheLimitComesDownWhenTheHighestLeave() {
        HostIndex idx = new HostIndex(16);
        for (int i = 0; i < 100_000; i++) {
            idx.findOrInsert(0, i);
        }
        for (int i = 5; i < 100_000; i++) {
            if (i != 70_000) {
                idx.remove(0, i);
            }
        }
        assertEquals(70_001, idx.slotLimit(), "slot 70000 is still in use");
        assertEquals(5, idx.findOrInsert(1, 1), "the lowest free slot first");
        assertEquals(6, idx.findOrInsert(1, 2));
        idx.remove(0, 70_000);
        assertEquals(7, idx.slotLimit());
        assertEquals(7, idx.findOrInsert(1, 3));
        for (int i = 0; i < 5; i++) {
            assertEquals(i, idx.find(0, i));
        }
        assertEquals(8, idx.size());
    }
}
