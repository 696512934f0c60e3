package fastnetmon.action;

import fastnetmon.Detector;
import fastnetmon.config.Configuration;
import fastnetmon.counters.Direction;
import fastnetmon.detection.Attack;
import fastnetmon.detection.BanEvent;
import fastnetmon.detection.SamplePacket;
import fastnetmon.geoip.Origins;
import fastnetmon.testing.Mmdb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The attack's origins in its description, details and ban text, and the actions that write them. */
@Timeout(60)
class AttackOriginsTextTest {
    private static final ZoneId UTC = ZoneOffset.UTC;
    static final Origins ORIGINS = new Origins(
            List.of(new Origins.Share("AS64500", "Example Networks", 0.625), new Origins.Share("AS64501", "Other", 0.375)),
            List.of(new Origins.Share("DE", "Germany", 0.625), new Origins.Share("US", "United States", 0.3749)));
    static final String LINES = "Top source ASNs: AS64500 Example Networks 62.5%, AS64501 Other 37.5%\n"
            + "Top source countries: DE Germany 62.5%, US United States 37.5%\n";

    @TempDir
    Path dir;

    @Test
    void theDescriptionEndsWithTheTopSourceAsnsAndCountries() {
        Attack a = Fixtures.synFlood();
        assertEquals(AttackText.description(a) + LINES, AttackText.description(a, ORIGINS));
        assertEquals(AttackText.description(a), AttackText.description(a, Origins.NONE), "no lines without origins");
        Origins asnsOnly = new Origins(List.of(new Origins.Share("AS64500", "", 0.001)), List.of());
        assertEquals(AttackText.description(a) + "Top source ASNs: AS64500 0.1%\n", AttackText.description(a, asnsOnly),
                "an ASN with no organisation: its number alone; no countries: no line");
    }

    @Test
    void anOutgoingAttacksOtherEndIsItsDestination() {
        Attack in = Fixtures.synFlood();
        Attack out = new Attack(in.ip, in.ipHi, in.ipLo, Direction.OUTGOING, in.attackType, in.protocol, in.initial,
                in.reason, in.hostgroup, in.bannedAtNanos);
        assertTrue(AttackText.description(out, ORIGINS).endsWith(
                "Top destination ASNs: AS64500 Example Networks 62.5%, AS64501 Other 37.5%\n"
                        + "Top destination countries: DE Germany 62.5%, US United States 37.5%\n"));
    }

    @Test
    void theDetailsAndTheBanTextCarryThemInTheirDescription() {
        Attack a = Fixtures.synFlood().withSamples(List.of(
                new SamplePacket(Fixtures.T0, "192.0.2.7", 46804, "10.10.0.5", 80, 6, 2, false, 1, 54, 64)));
        String details = AttackText.details(a, ORIGINS, UTC);
        assertTrue(details.startsWith(AttackText.description(a) + LINES + "\n\n2014-07-04 13:59:54.778872 192.0.2.7:46804 > 10.10.0.5:80"),
                details);
        assertEquals(AttackText.details(a, UTC), AttackText.details(a, Origins.NONE, UTC));
        assertEquals(AttackText.description(a) + LINES, AttackText.banText(a, ORIGINS));
        Attack manual = new Attack(a.ip, a.ipHi, a.ipLo, Direction.OTHER, "unknown", "unknown", a.initial,
                Attack.MANUAL_BAN, "global", a.bannedAtNanos);
        assertTrue(AttackText.banText(manual, ORIGINS).endsWith(LINES + "manually triggered attack"));
    }

    @Test
    void theScriptAndTheDetailsFileGetTheOriginsOfTheirLookup() throws Exception {
        Path stdin = dir.resolve("stdin.txt");
        Path script = Fixtures.script(dir, "notify.sh", "cat >> '" + stdin + "'");
        Path folder = dir.resolve("attacks");
        Attack a = Fixtures.synFlood();
        ActionRegistry r = ActionRegistry.builder(null)
                .add(new DetailsFileAction(folder, UTC, attack -> ORIGINS), 1)
                .add(new ScriptAction(script, Duration.ofSeconds(20), UTC, attack -> ORIGINS), 1).build();
        try {
            r.onEvent(new BanEvent(BanEvent.Kind.BAN, a, a.bannedAtNanos));
            assertTrue(r.awaitIdle(Duration.ofSeconds(30)));
        } finally {
            r.close();
        }
        assertEquals(AttackText.description(a) + LINES, Files.readString(stdin));
        assertEquals(AttackText.description(a) + LINES + "\n\n", Files.readString(folder.resolve(AttackText.detailsFileName(a, UTC))));
    }

    /** The detector opens the configured databases once and its actions name the attack's sources. */
    @Test
    void theDetectorsActionsUseTheConfiguredDatabases() throws Exception {
        Mmdb.asnDatabase(dir.resolve("asn.mmdb"), Mmdb.asn("192.0.2.0/24", 64500, "Example Networks"));
        Mmdb.countryDatabase(dir.resolve("country.mmdb"), Mmdb.country("192.0.2.0/24", "DE", "Germany"));
        Files.writeString(dir.resolve("networks_list"), "10.10.0.0/16\n");
        Path conf = dir.resolve("fastnetmon.conf");
        Files.writeString(conf, String.join("\n", "networks_list_path = networks_list", "white_list_path =",
                "notify_script_enabled = off", "attack_details_folder = attacks",
                "geoip_asn_database_path = asn.mmdb", "geoip_country_database_path = country.mmdb") + "\n");
        Detector detector = new Detector(Configuration.load(conf));
        Attack a = Fixtures.synFlood().withSamples(List.of(
                new SamplePacket(Fixtures.T0, "192.0.2.7", 46804, "10.10.0.5", 80, 6, 2, false, 3, 54, 64),
                new SamplePacket(Fixtures.T0, "198.51.100.7", 46805, "10.10.0.5", 80, 6, 2, false, 1, 54, 64)));
        try {
            detector.actions().onEvent(new BanEvent(BanEvent.Kind.ATTACK_DETAILS, a, a.bannedAtNanos));
            assertTrue(detector.actions().awaitIdle(Duration.ofSeconds(30)));
        } finally {
            detector.actions().close();
            detector.geoIp().close();
        }
        String text = Files.readString(dir.resolve("attacks").resolve(AttackText.detailsFileName(a, ZoneId.systemDefault())));
        assertTrue(text.contains("\nTop source ASNs: AS64500 Example Networks 75.0%\nTop source countries: DE Germany 75.0%\n\n"), text);
    }

    @Test
    void withoutDatabasesTheDetectorsTextsAreUnchanged() throws Exception {
        Files.writeString(dir.resolve("networks_list"), "10.10.0.0/16\n");
        Path conf = dir.resolve("fastnetmon.conf");
        Files.writeString(conf, "networks_list_path = networks_list\nwhite_list_path =\nnotify_script_enabled = off\n"
                + "attack_details_folder = attacks\n");
        Detector detector = new Detector(Configuration.load(conf));
        Attack a = Fixtures.synFlood().withSamples(List.of(
                new SamplePacket(Fixtures.T0, "192.0.2.7", 46804, "10.10.0.5", 80, 6, 2, false, 3, 54, 64)));
        try {
            assertFalse(detector.geoIp().hasAsn() || detector.geoIp().hasCountry());
            detector.actions().onEvent(new BanEvent(BanEvent.Kind.BAN, a, a.bannedAtNanos));
            assertTrue(detector.actions().awaitIdle(Duration.ofSeconds(30)));
        } finally {
            detector.actions().close();
            detector.geoIp().close();
        }
        assertEquals(AttackText.description(a) + "\n\n",
                Files.readString(dir.resolve("attacks").resolve(AttackText.detailsFileName(a, ZoneId.systemDefault()))));
    }
}
