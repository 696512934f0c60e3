package fastnetmon.geoip;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import fastnetmon.config.Configuration;
import fastnetmon.testing.Mmdb;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The databases: lookups, the lines about bad files, and reloads. Files written by MaxMind's writer. */
@Timeout(60)
class GeoIpTest {
    private static final Duration FAST = Duration.ofMillis(100);

    @TempDir
    Path dir;
    private ListAppender<ILoggingEvent> logged;

    @BeforeEach
    void captureLog() {
        logged = new ListAppender<>();
        logged.start();
        ((Logger) LoggerFactory.getLogger(GeoIp.class)).addAppender(logged);
    }

    @AfterEach
    void releaseLog() {
        ((Logger) LoggerFactory.getLogger(GeoIp.class)).detachAppender(logged);
    }

    private List<String> lines() {
        synchronized (logged) {
            return logged.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
        }
    }

    private List<String> warnings() {
        return lines().stream().filter(l -> l.startsWith("WARN")).toList();
    }

    private Path asnFile(String name, String... records) throws Exception {
        return Mmdb.asnDatabase(dir.resolve(name), records);
    }

    @Test
    void looksUpAsnsAndCountriesOfIpv4AndIpv6Addresses() throws Exception {
        Path asn = asnFile("asn.mmdb", Mmdb.asn("192.0.2.0/24", 64500, "Example Networks"),
                Mmdb.asn("2001:db8:1::/48", 64501, "Other Net"));
        Path country = Mmdb.countryDatabase(dir.resolve("country.mmdb"), Mmdb.country("192.0.2.0/24", "DE", "Germany"),
                Mmdb.country("2001:db8:1::/48", "JP", "Japan"));
        try (GeoIp geo = GeoIp.open(new GeoIpSettings(asn, country))) {
            assertEquals(new Asn(64500, "Example Networks"), geo.asn("192.0.2.77"));
            assertEquals(new Asn(64501, "Other Net"), geo.asn("2001:db8:1::9"));
            assertEquals(new Country("DE", "Germany"), geo.country("192.0.2.1"));
            assertEquals(new Country("JP", "Japan"), geo.country("2001:db8:1:ffff::1"));
            assertNull(geo.asn("198.51.100.1"), "no record");
            assertNull(geo.country("2001:db8:2::1"), "no record");
            assertNull(geo.asn("not-an-address"), "never a DNS lookup");
            assertNull(geo.asn(null));
            assertEquals("AS64500 Example Networks", geo.asn("192.0.2.77").text());
            assertTrue(geo.hasAsn() && geo.hasCountry());
        }
        assertEquals(List.of(), warnings());
        assertTrue(lines().contains("INFO geoip_asn_database_path " + asn + ": loaded the GeoLite2-ASN database, built "
                + java.time.LocalDate.now(java.time.ZoneOffset.UTC)), lines().toString());
    }

    @Test
    void nothingConfiguredMeansNoLookupsAndNoThread() throws Exception {
        Configuration defaults = Configuration.defaults();
        GeoIp geo = GeoIp.open(GeoIpSettings.from(defaults));
        assertSame(GeoIp.NONE, geo);
        assertSame(OriginLookup.NONE, geo.origins());
        assertFalse(geo.hasAsn() || geo.hasCountry());
        assertNull(geo.asn("192.0.2.1"));
        assertNull(geo.country("192.0.2.1"));
        geo.close(); // harmless on NONE
        assertNull(GeoIp.NONE.asn("192.0.2.1"));
        assertTrue(lines().isEmpty(), lines().toString());
    }

    @Test
    void aMissingFileIsOneLineAtStartAndTheDetectorGoesOnWithoutIt() throws Exception {
        Path missing = dir.resolve("GeoLite2-ASN.mmdb");
        try (GeoIp geo = GeoIp.open(new GeoIpSettings(missing, null), FAST)) {
            assertNull(geo.asn("192.0.2.1"));
            assertTrue(geo.hasAsn(), "configured, even while it cannot be read");
            Thread.sleep(350); // several checks: the line is not repeated while the file stays missing
            assertEquals(List.of("WARN geoip_asn_database_path " + missing
                    + ": no such file; running without source ASNs until a good file is there"), warnings());
            // It appears (geoipupdate's first run): loaded at the next check.
            Mmdb.replace(missing, asnFile("new.mmdb", Mmdb.asn("192.0.2.0/24", 64500, "Example Networks")));
            waitFor(() -> geo.asn("192.0.2.1") != null);
            assertEquals(new Asn(64500, "Example Networks"), geo.asn("192.0.2.1"));
        }
    }

    @Test
    void aCorruptFileIsOneLineAtStart() throws Exception {
        Path corrupt = dir.resolve("country.mmdb");
        Files.write(corrupt, new byte[4096]);
        try (GeoIp geo = GeoIp.open(new GeoIpSettings(null, corrupt), FAST)) {
            assertNull(geo.country("192.0.2.1"));
            Thread.sleep(250);
        }
        assertEquals(List.of("WARN geoip_country_database_path " + corrupt
                + ": not a MaxMind database (.mmdb); running without source countries until a good file is there"), warnings());
    }

    @Test
    void aDatabaseOfTheWrongKindIsOneLineAtStart() throws Exception {
        Path country = Mmdb.countryDatabase(dir.resolve("country.mmdb"), Mmdb.country("192.0.2.0/24", "DE", "Germany"));
        try (GeoIp geo = GeoIp.open(new GeoIpSettings(country, null), FAST)) {
            assertNull(geo.asn("192.0.2.1"));
        }
        assertEquals(List.of("WARN geoip_asn_database_path " + country
                + ": a GeoLite2-Country database, not an ASN one; running without source ASNs until a good file is there"), warnings());
    }

    @Test
    void aReplacedFileIsUsedWithinTheCheckPeriodAndABadReplacementKeepsTheOld() throws Exception {
        Path asn = asnFile("asn.mmdb", Mmdb.asn("192.0.2.0/24", 64500, "Example Networks"));
        try (GeoIp geo = GeoIp.open(new GeoIpSettings(asn, null), FAST)) {
            assertEquals(64500, geo.asn("192.0.2.1").number());
            long before = geo.generation();

            Mmdb.replace(asn, asnFile("next.mmdb", Mmdb.asn("192.0.2.0/24", 64510, "New Owner"),
                    Mmdb.asn("198.51.100.0/24", 64511, "Added")));
            long replacedAt = System.nanoTime();
            waitFor(() -> geo.asn("192.0.2.1").number() == 64510);
            assertTrue(System.nanoTime() - replacedAt < Duration.ofSeconds(2).toNanos(), "within a few check periods");
            assertEquals(new Asn(64511, "Added"), geo.asn("198.51.100.1"));
            assertTrue(geo.generation() > before);
            assertTrue(lines().contains("INFO geoip_asn_database_path " + asn + ": reloaded: a new GeoLite2-ASN database, built "
                    + java.time.LocalDate.now(java.time.ZoneOffset.UTC)), lines().toString());

            Path bad = dir.resolve("bad.mmdb");
            Files.writeString(bad, "not a database at all\n");
            Mmdb.replace(asn, bad);
            String keeps = "WARN geoip_asn_database_path " + asn
                    + ": not a MaxMind database (.mmdb); keeping the GeoLite2-ASN database loaded before";
            waitFor(() -> warnings().contains(keeps));
            Thread.sleep(300); // said once, not at every check
            assertEquals(List.of(keeps), warnings());
            assertEquals(new Asn(64510, "New Owner"), geo.asn("192.0.2.1"), "the old one stays in use");

            Mmdb.replace(asn, asnFile("fixed.mmdb", Mmdb.asn("192.0.2.0/24", 64499, "Fixed")));
            waitFor(() -> geo.asn("192.0.2.1").number() == 64499);
        }
    }

    /** Lookups going on on other threads while the file is replaced again and again never miss or fail. */
    @Test
    void lookupsDuringReloadsAlwaysAnswer() throws Exception {
        Path asn = asnFile("asn.mmdb", Mmdb.asn("192.0.2.0/24", 64500, "A"));
        Path b = asnFile("b.mmdb", Mmdb.asn("192.0.2.0/24", 64501, "B"));
        Path a = asnFile("a.mmdb", Mmdb.asn("192.0.2.0/24", 64500, "A"));
        try (GeoIp geo = GeoIp.open(new GeoIpSettings(asn, null), Duration.ofMillis(5))) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicInteger misses = new AtomicInteger();
            AtomicInteger lookups = new AtomicInteger();
            long end = System.nanoTime() + Duration.ofMillis(1500).toNanos();
            Thread[] readers = new Thread[2];
            for (int i = 0; i < readers.length; i++) {
                readers[i] = new Thread(() -> {
                    try {
                        while (System.nanoTime() < end) {
                            if (geo.asn("192.0.2.9") == null) {
                                misses.incrementAndGet();
                            }
                            lookups.incrementAndGet();
                        }
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                });
                readers[i].start();
            }
            long swaps = 0;
            while (System.nanoTime() < end) {
                Path next = swaps % 2 == 0 ? b : a;
                Files.copy(next, dir.resolve("tmp.mmdb"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Mmdb.replace(asn, dir.resolve("tmp.mmdb"));
                swaps++;
                Thread.sleep(20);
            }
            for (Thread t : readers) {
                t.join();
            }
            assertNull(failure.get());
            assertEquals(0, misses.get(), "of " + lookups.get() + " lookups");
            assertTrue(geo.generation() > 5, "reloaded " + geo.generation() + " times in " + swaps + " swaps");
        }
        assertEquals(List.of(), warnings());
    }

    @Test
    void afterCloseLookupsAnswerNothing() throws Exception {
        Path asn = asnFile("asn.mmdb", Mmdb.asn("192.0.2.0/24", 64500, "A"));
        GeoIp geo = GeoIp.open(new GeoIpSettings(asn, null));
        assertEquals(64500, geo.asn("192.0.2.1").number());
        geo.close();
        assertNull(geo.asn("192.0.2.1"));
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s");
            }
            Thread.sleep(10);
        }
    }
}
