package fastnetmon.networks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.*;

class CidrTest {
    private static long lo(String v4) {
        return IpAddresses.v4ToLo(IpAddresses.parseV4(v4));
    }

    @Test
    void parsesIpv4() {
        Cidr c = Cidr.parse("10.0.0.0/8");
        assertTrue(c.isV4());
        assertEquals(8, c.prefixLength());
        assertEquals(0, c.hi());
        assertEquals(lo("10.0.0.0"), c.lo());
        assertFalse(c.hostBitsSet());
        assertEquals("10.0.0.0/8", c.toString());
        assertEquals("0.0.0.0/0", Cidr.parse("0.0.0.0/0").toString());
        assertEquals("192.168.1.7/32", Cidr.parse(" 192.168.1.7 ").toString());
    }

    @Test
    void parsesIpv6() {
        Cidr c = Cidr.parse("2001:DB8::/32");
        assertFalse(c.isV4());
        assertEquals(32, c.prefixLength());
        assertEquals(0x20010db800000000L, c.hi());
        assertEquals(0, c.lo());
        assertEquals("2001:db8::/32", c.toString());
        assertEquals("::/0", Cidr.parse("::/0").toString());
        assertEquals("2001:db8::1/128", Cidr.parse("2001:db8:0:0::1").toString());
        assertEquals(128, Cidr.parse("::1").prefixLength());
    }

    @Test
    void normalisesHostBitsAndFlagsThem() {
        Cidr c = Cidr.parse("10.1.2.3/8");
        assertTrue(c.hostBitsSet());
        assertEquals("10.0.0.0/8", c.toString());
        assertEquals(Cidr.parse("10.0.0.0/8"), c); // the flag does not take part in equality
        assertEquals(Cidr.parse("10.0.0.0/8").hashCode(), c.hashCode());
        Cidr v6 = Cidr.parse("2001:db8::1/64");
        assertTrue(v6.hostBitsSet());
        assertEquals("2001:db8::/64", v6.toString());
        assertFalse(Cidr.parse("10.1.2.3/32").hostBitsSet());
    }

    @Test
    void ipv4MappedIpv6NotationBecomesIpv4() {
        Cidr c = Cidr.parse("::ffff:10.0.0.0/104");
        assertTrue(c.isV4());
        assertEquals(Cidr.parse("10.0.0.0/8"), c);
        assertEquals(Cidr.parse("1.2.3.4/32"), Cidr.parse("::ffff:1.2.3.4"));
        assertEquals(Cidr.v4(0, 0), Cidr.parse("::ffff:0:0/96"));
        assertFalse(Cidr.parse("::ffff:0:0/80").isV4());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.300/8", "10.0.0.0/33", "2001:db8::/129", "10.0.0/8", "10.0.0.0/", "/8", "",
            "10.0.0.0/-1", "10.0.0.0/8/8", "localhost", "10.0.0.0 /8", "10.0.0.0/8a", "2001:db8::g/32", "1.2.3.4.5",
            "10.0.0.0/0008", "fe80::1%eth0"})
    void rejectsBadInput(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
        assertTrue(e.getMessage().startsWith("'" + text.trim() + "' is not a valid CIDR"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void badMessageIsExact() {
        assertEquals("'10.0.0.300/8' is not a valid CIDR",
                assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.300/8")).getMessage());
        assertEquals("'10.0.0.0/33' is not a valid CIDR (prefix length must be 0-32)",
                assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33")).getMessage());
    }

    @Test
    void containsAtBoundaries() {
        Cidr c = Cidr.parse("10.1.2.0/24");
        assertTrue(c.contains(0, lo("10.1.2.0")));
        assertTrue(c.contains(0, lo("10.1.2.255")));
        assertFalse(c.contains(0, lo("10.1.1.255")));
        assertFalse(c.contains(0, lo("10.1.3.0")));
        assertTrue(c.containsV4(IpAddresses.parseV4("10.1.2.77")));
        assertTrue(Cidr.parse("0.0.0.0/0").contains(0, lo("255.255.255.255")));
        assertTrue(Cidr.parse("255.255.255.255/32").containsV4(-1));
        assertFalse(Cidr.parse("255.255.255.255/32").containsV4(-2));

        Cidr v6 = Cidr.parse("2001:db8::/32");
        long[] in = IpAddresses.parse("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff");
        long[] out = IpAddresses.parse("2001:db9::");
        assertTrue(v6.contains(in[0], in[1]));
        assertFalse(v6.contains(out[0], out[1]));
        // IPv6 prefixes never match IPv4(-mapped) addresses, IPv4 prefixes never match IPv6 ones
        assertFalse(Cidr.parse("::/0").contains(0, lo("10.0.0.1")));
        assertFalse(Cidr.parse("0.0.0.0/0").contains(in[0], in[1]));
        assertFalse(v6.containsV4(0));
    }

    @Test
    void constructorValidates() {
        assertThrows(IllegalArgumentException.class, () -> new Cidr(0, 5, 8, true, false));
        assertThrows(IllegalArgumentException.class, () -> Cidr.v4(0, 33));
        assertThrows(IllegalArgumentException.class, () -> Cidr.v6(0, 0, 129));
        assertEquals("10.0.0.0/8", Cidr.v4(0x0a0b0c0d, 8).toString());
    }

    /** Issue 13, finding 9: non-ASCII digits and leading zeros are refused, with the reason. */
    @Test
    void strictDigitsAndNoLeadingZeros() {
        String arabic = "\u0661\u0660.\u0661\u0660.0.0/16"; // ١٠.١٠.0.0/16
        assertEquals("'" + arabic + "' is not a valid CIDR (only ASCII digits are allowed)",
                assertThrows(IllegalArgumentException.class, () -> Cidr.parse(arabic)).getMessage());
        assertEquals("'010.0.0.0/8' is not a valid CIDR (leading zeros are ambiguous (octal or decimal?))",
                assertThrows(IllegalArgumentException.class, () -> Cidr.parse("010.0.0.0/8")).getMessage());
        assertEquals("'10.0.0.0/08' is not a valid CIDR (leading zeros are ambiguous (octal or decimal?))",
                assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/08")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.01"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("::ffff:10.0.0.010"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/\u0668"));
        assertNull(IpAddresses.parse("\u0661\u0660.0.0.1"));
        assertNull(IpAddresses.parse("192.168.001.1"));
        assertNull(IpAddresses.parseV4("00.0.0.0"));
        // Single zeros and IPv6 groups with leading zeros stay fine.
        assertEquals("0.0.0.0/0", Cidr.parse("0.0.0.0/0").toString());
        assertEquals("10.0.0.0/8", Cidr.parse("10.0.0.0/8").toString());
        assertEquals("2001:db8::/32", Cidr.parse("2001:0db8:0000::/32").toString());
        assertEquals("10.0.0.1/32", Cidr.parse("::ffff:10.0.0.1").toString());
    }
}
