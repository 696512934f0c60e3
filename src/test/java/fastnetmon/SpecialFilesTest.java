package fastnetmon;

import fastnetmon.config.ConfigException;
import fastnetmon.config.Configuration;
import fastnetmon.config.RegularFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13, finding 8: a FIFO, a directory, a device or a huge file given as the configuration, a list or a
 * capture is refused with one line naming it, at once (no hang, no OutOfMemoryError, no stack trace).
 * The huge files are sparse: 3 GiB of length, no disk used.
 */
class SpecialFilesTest {
    private static final Duration AT_ONCE = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private Path fifo(String name) throws Exception {
        Path p = dir.resolve(name);
        Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertEquals(0, mk.waitFor());
        return p;
    }

    private Path sparse(String name, long length) throws Exception {
        Path p = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(length);
        }
        return p;
    }

    /** fastnetmon run in this JVM: {status, stdout, stderr}. */
    private String[] fastnetmon(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = assertTimeoutPreemptively(AT_ONCE, () -> FastNetMon.run(args,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        return new String[]{Integer.toString(status), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    private Path conf(String body) throws Exception {
        Files.writeString(dir.resolve("nets"), "10.0.0.0/8\n");
        Path c = dir.resolve("fastnetmon.conf");
        Files.writeString(c, "networks_list_path = nets\nwhite_list_path =\nprometheus = off\napi = off\nnotify_script_enabled = off\n" + body);
        return c;
    }

    private static String loadError(Path conf) {
        return assertTimeoutPreemptively(AT_ONCE,
                () -> assertThrows(ConfigException.class, () -> Configuration.load(conf)).getMessage());
    }

    @Test
    void aFifoAsTheConfigurationIsOneLineNotAHang() throws Exception {
        Path f = fifo("fifo.conf");
        String[] r = fastnetmon("--configuration_file", f.toString(), "--configuration_check");
        assertEquals("1", r[0]);
        assertEquals("fastnetmon: " + f + ": configuration file must be a regular file, not a FIFO\n", r[2]);
    }

    @Test
    void aDirectoryOrDeviceAsTheConfigurationIsOneLine() throws Exception {
        assertEquals(dir + ": configuration file must be a regular file, not a directory", loadError(dir));
        assertEquals("/dev/null: configuration file must be a regular file, not a character device",
                loadError(Path.of("/dev/null")));
    }

    @Test
    void aHugeConfigurationIsRefusedWithoutReadingIt() throws Exception {
        Path big = sparse("big.conf", 3L << 30);
        String[] r = fastnetmon("--configuration_file", big.toString(), "--configuration_check");
        assertEquals("1", r[0]);
        assertEquals("fastnetmon: " + big + ": configuration file is 3.0 GiB, more than the 4.0 MiB allowed\n", r[2]);
    }

    @Test
    void specialOrHugeListsAreOneLineNamingTheKeyFile() throws Exception {
        Path fifo = fifo("nets.fifo");
        assertEquals(fifo + ": networks list must be a regular file, not a FIFO",
                loadError(conf("networks_list_path = nets.fifo\n")));
        assertEquals(dir + ": networks list must be a regular file, not a directory",
                loadError(conf("networks_list_path = .\n")));
        Path big = sparse("huge_list", 3L << 30);
        assertEquals(big + ": networks list is 3.0 GiB, more than the 64.0 MiB allowed",
                loadError(conf("networks_list_path = huge_list\n")));
        assertEquals(fifo + ": whitelist must be a regular file, not a FIFO",
                loadError(conf("white_list_path = nets.fifo\n")));
    }

    @Test
    void aFifoOrDirectoryAsPcapFileIsOneLineNamingIt() throws Exception {
        Path c = conf("");
        Path fifo = fifo("capture.pcap");
        String[] r = fastnetmon("--configuration_file", c.toString(), "--pcap_file", fifo.toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("fastnetmon: " + fifo + ": capture file must be a regular file, not a FIFO\n"), r[2]);
        Path folder = Files.createDirectory(dir.resolve("captures"));
        r = fastnetmon("--configuration_file", c.toString(), "--pcap_file", folder.toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("fastnetmon: " + folder + ": capture file must be a regular file, not a directory\n"), r[2]);
    }

    /** Issue 13, finding 4: a ban_time that would overflow in nanoseconds no longer passes the check. */
    @Test
    void configurationCheckRefusesAnOutOfRangeBanTime() throws Exception {
        Path c = conf("ban_time = 10000000000\n");
        String[] r = fastnetmon("--configuration_file", c.toString(), "--configuration_check");
        assertEquals("1", r[0], r[1]);
        assertEquals("fastnetmon: " + c + ":6: ban_time: '10000000000' is out of range (allowed: 0-315360000)\n", r[2]);
        r = fastnetmon("--configuration_file", conf("ban_time = 315360000\n").toString(), "--configuration_check");
        assertEquals("0", r[0], r[2]);
    }

    @Test
    void aRegularFileWithinTheBoundIsRead() throws Exception {
        Path f = dir.resolve("small");
        Files.writeString(f, "x\n");
        assertEquals("x\n", RegularFile.readText(f, "test file", 2));
        assertEquals(f + ": test file is 2 bytes, more than the 1 bytes allowed",
                assertThrows(RegularFile.Refused.class, () -> RegularFile.readText(f, "test file", 1)).getMessage());
    }
}
