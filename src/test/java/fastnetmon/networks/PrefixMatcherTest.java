package fastnetmon.networks;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class PrefixMatcherTest {
    private static int v4(String s) {
        return IpAddresses.parseV4(s);
    }

    private static int lookup(PrefixMatcher m, String address) {
        long[] a = IpAddresses.parse(address);
        return m.lookup(a[0], a[1]);
    }

    @Test
    void longestMatchAcrossNestedIpv4Prefixes() {
        PrefixMatcher m = new PrefixMatcher.Builder()
                .add(Cidr.parse("0.0.0.0/0"), 0)
                .add(Cidr.parse("10.0.0.0/8"), 8)
                .add(Cidr.parse("10.1.0.0/16"), 16)
                .add(Cidr.parse("10.1.2.0/24"), 24)
                .add(Cidr.parse("10.1.2.128/25"), 25)
                .add(Cidr.parse("10.1.2.200/32"), 32)
                .add(Cidr.parse("10.1.128.0/17"), 17)
                .add(Cidr.parse("10.200.0.0/30"), 30)
                .build();
        assertEquals(0, m.lookupV4(v4("9.255.255.255")));
        assertEquals(8, m.lookupV4(v4("10.0.0.0")));
        assertEquals(8, m.lookupV4(v4("10.0.255.255")));
        assertEquals(16, m.lookupV4(v4("10.1.0.0")));
        assertEquals(16, m.lookupV4(v4("10.1.1.255")));
        assertEquals(24, m.lookupV4(v4("10.1.2.0")));
        assertEquals(24, m.lookupV4(v4("10.1.2.127")));
        assertEquals(25, m.lookupV4(v4("10.1.2.128")));
        assertEquals(25, m.lookupV4(v4("10.1.2.199")));
        assertEquals(32, m.lookupV4(v4("10.1.2.200")));
        assertEquals(25, m.lookupV4(v4("10.1.2.201")));
        assertEquals(25, m.lookupV4(v4("10.1.2.255")));
        assertEquals(16, m.lookupV4(v4("10.1.3.0")));
        assertEquals(16, m.lookupV4(v4("10.1.127.255")));
        assertEquals(17, m.lookupV4(v4("10.1.128.0")));
        assertEquals(17, m.lookupV4(v4("10.1.255.255")));
        assertEquals(8, m.lookupV4(v4("10.2.0.0")));
        assertEquals(30, m.lookupV4(v4("10.200.0.3")));
        assertEquals(8, m.lookupV4(v4("10.200.0.4")));
        assertEquals(8, m.lookupV4(v4("10.255.255.255")));
        assertEquals(0, m.lookupV4(v4("11.0.0.0")));
        assertEquals(0, m.lookupV4(v4("255.255.255.255")));
        // the two-long form of an IPv4 address takes the same path
        assertEquals(32, lookup(m, "10.1.2.200"));
        assertEquals(32, lookup(m, "::ffff:10.1.2.200"));
        // no IPv6 prefixes: IPv6 addresses do not match, not even the IPv4 /0
        assertEquals(-1, lookup(m, "2001:db8::1"));
    }

    @Test
    void noMatchIsMinusOne() {
        PrefixMatcher m = new PrefixMatcher.Builder().add(Cidr.parse("192.168.0.0/16"), 3).add(Cidr.parse("1.2.3.4/32"), 4).build();
        assertEquals(-1, m.lookupV4(v4("192.167.255.255")));
        assertEquals(-1, m.lookupV4(v4("192.169.0.0")));
        assertEquals(3, m.lookupV4(v4("192.168.0.0")));
        assertEquals(4, m.lookupV4(v4("1.2.3.4")));
        assertEquals(-1, m.lookupV4(v4("1.2.3.5")));
        assertEquals(-1, m.lookupV4(v4("1.2.3.3")));
        assertEquals(-1, m.lookupV4(0));
        assertEquals(-1, new PrefixMatcher.Builder().build().lookupV4(v4("1.2.3.4")));
        assertEquals(-1, new PrefixMatcher.Builder().build().lookup(1, 2));
        assertTrue(new PrefixMatcher.Builder().build().isEmpty());
    }

    @Test
    void longestMatchAcrossNestedIpv6Prefixes() {
        PrefixMatcher m = new PrefixMatcher.Builder()
                .add(Cidr.parse("::/0"), 0)
                .add(Cidr.parse("2001:db8::/32"), 32)
                .add(Cidr.parse("2001:db8:10::/48"), 48)
                .add(Cidr.parse("2001:db8:10:1::/64"), 64)
                .add(Cidr.parse("2001:db8:10:1:8000::/65"), 65)
                .add(Cidr.parse("2001:db8:10:1::1/128"), 128)
                .add(Cidr.parse("2001:db8:10:1::/127"), 127)
                .add(Cidr.parse("10.0.0.0/8"), 1008)
                .build();
        assertEquals(0, lookup(m, "::"));
        assertEquals(0, lookup(m, "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff"));
        assertEquals(32, lookup(m, "2001:db8::"));
        assertEquals(32, lookup(m, "2001:db8:f:ffff:ffff:ffff:ffff:ffff"));
        assertEquals(48, lookup(m, "2001:db8:10::"));
        assertEquals(48, lookup(m, "2001:db8:10:0:ffff:ffff:ffff:ffff"));
        assertEquals(127, lookup(m, "2001:db8:10:1::"));
        assertEquals(128, lookup(m, "2001:db8:10:1::1"));
        assertEquals(64, lookup(m, "2001:db8:10:1::2"));
        assertEquals(64, lookup(m, "2001:db8:10:1:7fff:ffff:ffff:ffff"));
        assertEquals(65, lookup(m, "2001:db8:10:1:8000::"));
        assertEquals(65, lookup(m, "2001:db8:10:1:ffff:ffff:ffff:ffff"));
        assertEquals(48, lookup(m, "2001:db8:10:2::"));
        assertEquals(32, lookup(m, "2001:db8:11::"));
        assertEquals(0, lookup(m, "2001:db9::"));
        assertEquals(0, lookup(m, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
        // IPv4 goes to the IPv4 table; ::/0 does not cover it
        assertEquals(1008, lookup(m, "10.1.1.1"));
        assertEquals(-1, lookup(m, "11.1.1.1"));
        assertEquals(8, m.size());
    }

    @Test
    void duplicatePrefixLastOneWins() {
        PrefixMatcher m = new PrefixMatcher.Builder()
                .add(Cidr.parse("10.0.0.0/8"), 1).add(Cidr.parse("10.9.9.9/8"), 2)
                .add(Cidr.parse("10.1.2.3/32"), 5).add(Cidr.parse("10.1.2.3"), 6)
                .add(Cidr.parse("2001:db8::/32"), 1).add(Cidr.parse("2001:db8::/32"), 3)
                .build();
        assertEquals(2, m.lookupV4(v4("10.0.0.1")));
        assertEquals(6, m.lookupV4(v4("10.1.2.3")));
        assertEquals(3, lookup(m, "2001:db8::5"));
        assertEquals(3, m.size());
        assertThrows(IllegalArgumentException.class, () -> new PrefixMatcher.Builder().add(Cidr.parse("1.0.0.0/8"), -1));
    }

    @Test
    void slash0AndSlash32Alone() {
        assertEquals(7, new PrefixMatcher.Builder().add(Cidr.parse("0.0.0.0/0"), 7).build().lookupV4(0x80000000));
        PrefixMatcher m = new PrefixMatcher.Builder().add(Cidr.parse("255.255.255.255/32"), 9).add(Cidr.parse("0.0.0.0/32"), 1).build();
        assertEquals(9, m.lookupV4(-1));
        assertEquals(1, m.lookupV4(0));
        assertEquals(-1, m.lookupV4(1));
        assertEquals(-1, m.lookupV4(-2));
        PrefixMatcher v6 = new PrefixMatcher.Builder().add(Cidr.parse("::/0"), 4).build();
        assertEquals(4, lookup(v6, "1::"));
        assertEquals(-1, lookup(v6, "1.1.1.1"));
    }

    /** Brute force: the value of the longest containing prefix, the last added among equal ones. */
    private static int bruteForce(List<Cidr> cidrs, List<Integer> values, long hi, long lo) {
        int best = -1, bestLen = -1;
        for (int i = 0; i < cidrs.size(); i++) {
            Cidr c = cidrs.get(i);
            if (c.contains(hi, lo) && c.prefixLength() >= bestLen) {
                best = values.get(i);
                bestLen = c.prefixLength();
            }
        }
        return best;
    }

    @Test
    void randomIpv4CrossCheck() {
        Random r = new Random(42);
        List<Cidr> cidrs = new ArrayList<>();
        List<Integer> values = new ArrayList<>();
        int[] bases = new int[20];
        for (int i = 0; i < bases.length; i++) {
            bases[i] = r.nextInt();
        }
        for (int i = 0; i < 1500; i++) {
            // addresses near a few bases, so prefixes nest and overlap
            int addr = bases[r.nextInt(bases.length)] ^ (r.nextInt() >>> r.nextInt(32));
            int len = r.nextInt(10) == 0 ? r.nextInt(9) : 8 + r.nextInt(25);
            cidrs.add(Cidr.v4(addr, len));
            values.add(r.nextInt(50));
        }
        PrefixMatcher.Builder b = new PrefixMatcher.Builder();
        for (int i = 0; i < cidrs.size(); i++) {
            b.add(cidrs.get(i), values.get(i));
        }
        PrefixMatcher m = b.build();
        for (int i = 0; i < 20000; i++) {
            int addr;
            if (i % 3 == 0) {
                Cidr c = cidrs.get(r.nextInt(cidrs.size()));
                int span = c.prefixLength() == 0 ? -1 : (int) ((1L << (32 - c.prefixLength())) - 1);
                addr = c.v4Address() + (i % 2 == 0 ? 0 : span) + (r.nextBoolean() ? 1 : 0) * (r.nextBoolean() ? 1 : -1);
            } else {
                addr = bases[r.nextInt(bases.length)] ^ (r.nextInt() >>> r.nextInt(32));
            }
            long lo = IpAddresses.v4ToLo(addr);
            int expected = bruteForce(cidrs, values, 0, lo);
            assertEquals(expected, m.lookupV4(addr), () -> "address " + IpAddresses.formatV4(addr));
            assertEquals(expected, m.lookup(0, lo));
        }
    }

    @Test
    void randomIpv6CrossCheck() {
        Random r = new Random(7);
        List<Cidr> cidrs = new ArrayList<>();
        List<Integer> values = new ArrayList<>();
        long[][] bases = new long[10][];
        for (int i = 0; i < bases.length; i++) {
            bases[i] = new long[]{r.nextLong() | 1L << 40, r.nextLong()};
        }
        for (int i = 0; i < 1000; i++) {
            long[] base = bases[r.nextInt(bases.length)];
            int len = r.nextInt(129);
            cidrs.add(Cidr.v6(base[0] ^ (r.nextLong() >>> r.nextInt(64)), base[1] ^ r.nextLong(), len));
            values.add(r.nextInt(1000));
        }
        PrefixMatcher.Builder b = new PrefixMatcher.Builder();
        for (int i = 0; i < cidrs.size(); i++) {
            b.add(cidrs.get(i), values.get(i));
        }
        PrefixMatcher m = b.build();
        for (int i = 0; i < 10000; i++) {
            long hi, lo;
            if (i % 2 == 0) {
                Cidr c = cidrs.get(r.nextInt(cidrs.size()));
                hi = c.hi() | (r.nextLong() & ~Cidr.maskHi(c.prefixLength()));
                lo = c.lo() | (r.nextLong() & ~Cidr.maskLo(c.prefixLength()));
            } else {
                long[] base = bases[r.nextInt(bases.length)];
                hi = base[0] ^ (r.nextLong() >>> r.nextInt(64));
                lo = r.nextLong();
            }
            long fh = hi, fl = lo;
            assertEquals(bruteForce(cidrs, values, hi, lo), m.lookup(hi, lo), () -> IpAddresses.format(fh, fl));
        }
    }

    @Test
    void largeTablesBuildAndASlash8CostsNoMemoryPerAddress() {
        Random r = new Random(1);
        PrefixMatcher.Builder b = new PrefixMatcher.Builder().add(Cidr.parse("10.0.0.0/8"), 1);
        for (int i = 0; i < 100_000; i++) {
            b.add(Cidr.v4(r.nextInt(), 24), 2);
        }
        PrefixMatcher m = b.build();
        // A /8 costs table entries, not addresses: building one allocates far less than its 16M addresses.
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        PrefixMatcher slash8 = new PrefixMatcher.Builder().add(Cidr.parse("10.0.0.0/8"), 1).build();
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 2 << 20, "a /8 allocated " + allocated + " bytes");
        assertEquals(1, slash8.lookupV4(v4("10.255.0.1")));
        assertTrue(m.lookupV4(v4("10.20.30.40")) >= 1);
    }

    @Test
    void lookupsDoNotAllocate() {
        PrefixMatcher.Builder b = new PrefixMatcher.Builder();
        Random r = new Random(3);
        for (int i = 0; i < 1000; i++) {
            b.add(Cidr.v4(r.nextInt(), 8 + r.nextInt(25)), i);
            b.add(Cidr.v6(r.nextLong(), r.nextLong(), r.nextInt(129)), i);
        }
        PrefixMatcher m = b.build();
        long[] his = new long[1024], los = new long[1024];
        int[] v4s = new int[1024];
        for (int i = 0; i < 1024; i++) {
            his[i] = r.nextLong();
            los[i] = r.nextLong();
            v4s[i] = r.nextInt();
        }
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sink = run(m, his, los, v4s, 100_000); // warm up (JIT)
        long before = bean.getCurrentThreadAllocatedBytes();
        sink += run(m, his, los, v4s, 300_000);
        long allocated = bean.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 4096, "900k lookups allocated " + allocated + " bytes (sink " + sink + ")");
    }

    private static long run(PrefixMatcher m, long[] his, long[] los, int[] v4s, int n) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            int j = i & 1023;
            sum += m.lookupV4(v4s[j]) + m.lookup(his[j], los[j]) + m.lookup(0, IpAddresses.v4ToLo(v4s[j]));
        }
        return sum;
    }
}
