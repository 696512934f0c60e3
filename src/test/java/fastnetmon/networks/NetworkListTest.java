package fastnetmon.networks;

import fastnetmon.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class NetworkListTest {
    @TempDir
    Path dir;

    @Test
    void readsCidrsCommentsAndBlankLines() throws Exception {
        Path f = dir.resolve("networks_list");
        Files.writeString(f, "# our networks\n\n10.0.0.0/8\n  192.168.1.0/24   # office\n2001:db8::/32\n\t\n10.0.0.0/8\n1.2.3.4\n");
        NetworkList l = NetworkList.load(f);
        assertEquals(4, l.cidrs().size()); // the duplicate is kept once
        assertEquals(3, l.v4Count());
        assertEquals(1, l.v6Count());
        assertEquals("192.168.1.0/24", l.cidrs().get(1).toString());
        assertEquals("1.2.3.4/32", l.cidrs().get(3).toString());
        assertTrue(l.warnings().isEmpty());
        assertEquals(f, l.path());
    }

    @Test
    void badLineNamesFileAndLine() throws Exception {
        Path f = dir.resolve("networks_list");
        Files.writeString(f, "10.0.0.0/8\n# fine\n10.0.0.300/8 # typo\n");
        ConfigException e = assertThrows(ConfigException.class, () -> NetworkList.load(f));
        assertEquals(f + ":3: '10.0.0.300/8' is not a valid CIDR", e.getMessage());
    }

    @Test
    void ambiguousOrNonAsciiAddressesNameFileAndLine() throws Exception {
        Path f = dir.resolve("networks_list");
        Files.writeString(f, "10.0.0.0/8\n010.0.0.0/8\n");
        assertEquals(f + ":2: '010.0.0.0/8' is not a valid CIDR (leading zeros are ambiguous (octal or decimal?))",
                assertThrows(ConfigException.class, () -> NetworkList.load(f)).getMessage());
        Files.writeString(f, "# ok\n\u0661\u0660.\u0661\u0660.0.0/16\n");
        assertEquals(f + ":2: '\u0661\u0660.\u0661\u0660.0.0/16' is not a valid CIDR (only ASCII digits are allowed)",
                assertThrows(ConfigException.class, () -> NetworkList.load(f)).getMessage());
    }

    @Test
    void missingFileIsOneLine() {
        Path f = dir.resolve("nope");
        ConfigException e = assertThrows(ConfigException.class, () -> NetworkList.load(f));
        assertEquals(f + ": networks list not found", e.getMessage());
    }

    @Test
    void hostBitsGiveAWarning() throws Exception {
        Path f = dir.resolve("l");
        Files.writeString(f, "\n10.1.2.3/8\n");
        NetworkList l = NetworkList.load(f);
        assertEquals("10.0.0.0/8", l.cidrs().get(0).toString());
        assertEquals(java.util.List.of(f + ":2: 10.1.2.3/8 has host bits set, using 10.0.0.0/8"), l.warnings());
    }
}
