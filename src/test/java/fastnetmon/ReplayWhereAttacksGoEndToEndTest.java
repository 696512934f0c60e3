package fastnetmon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import fastnetmon.packet.PacketParser;
import fastnetmon.packet.PacketRecord;
import fastnetmon.redis.TestRedis;
import fastnetmon.testing.Mmdb;
import fastnetmon.tools.FrameBuilder;
import fastnetmon.tools.PcapWriter;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static fastnetmon.ReplayEndToEndTest.ip;
import static fastnetmon.ReplayEndToEndTest.spread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 10's "done when", end to end: a SYN flood from two networks (three packets in four from AS64500 in
 * Germany, one from AS64501 in the Netherlands) replayed by a detector process with Redis, mail and both
 * GeoIP databases configured. The attack's keys are in a real redis-server with its origins, and a real SMTP
 * server (GreenMail) got the ban, attack details and unban mails, the details with the ASNs and countries and
 * their shares of the sampled packets.
 */
class ReplayWhereAttacksGoEndToEndTest {
    private static final Pattern SHARE = Pattern.compile("(AS6450[01]|DE|NL) [A-Za-z ]+? ([0-9.]+)%");
    private static TestRedis redis;
    private static GreenMail smtp;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServers() throws Exception {
        redis = TestRedis.start();
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        smtp.start();
    }

    @AfterAll
    static void stopServers() throws Exception {
        smtp.stop();
        redis.close();
    }

    /** The flood's source: every fourth packet from 198.51.100.0/24, the others from 100.64.0.0/16. */
    private static int source(int i) {
        return i % 4 == 0 ? ip("198.51.100.0") | (i & 0xff) : (100 << 24) | (64 << 16) | (i & 0xffff);
    }

    @Test
    void aFloodReachesRedisAndTheMailboxWithItsOrigins() throws Exception {
        Path pcap = dir.resolve("flood.pcap");
        try (PcapWriter w = PcapWriter.pcap(pcap, PacketParser.LINKTYPE_ETHERNET, false)) {
            for (int s = 0; s < 7; s++) {
                List<byte[]> frames = new ArrayList<>();
                int n = s < 2 ? 30_000 : 50; // two seconds of flood, then quiet seconds in which the ban ends
                for (int i = 0; i < n; i++) {
                    frames.add(FrameBuilder.ipv4(source(i), ip("10.10.0.5")).tcp(1024 + i % 50_000, 80, PacketRecord.TCP_SYN)
                            .ethernet());
                }
                spread(w, s, frames);
            }
        }
        Path asn = Mmdb.asnDatabase(dir.resolve("asn.mmdb"), Mmdb.asn("100.64.0.0/10", 64500, "Example Transit"),
                Mmdb.asn("198.51.100.0/24", 64501, "Other Networks"));
        Path country = Mmdb.countryDatabase(dir.resolve("country.mmdb"), Mmdb.country("100.64.0.0/10", "DE", "Germany"),
                Mmdb.country("198.51.100.0/24", "NL", "Netherlands"));
        Path conf = ReplayRig.setUp(dir, "cat > /dev/null", "ban_for_pps = on", "threshold_pps = 20000",
                "ban_details_records_count = 40", "ban_time = 2", "unban_only_if_attack_finished = on",
                "redis_enabled = on", "redis_host = 127.0.0.1", "redis_port = " + redis.port, "redis_prefix = e2e",
                "email_notifications = on", "email_smtp_host = 127.0.0.1", "email_smtp_port = " + smtp.getSmtp().getPort(),
                "email_from = fastnetmon@example.net", "email_to = noc@example.net",
                "geoip_asn_database_path = " + asn, "geoip_country_database_path = " + country);
        Map<String, JsonNode> bans = new HashMap<>();
        JsonNode summary = ReplayRig.replay(dir, conf, pcap, bans);
        JsonNode ban = bans.get("10.10.0.5");
        assertTrue(ban != null, summary.toString());
        long pps = ban.path("pps").asLong();

        // Redis: FastNetMon's key, with the origins of the sampled packets
        JsonNode info = new ObjectMapper().readTree(redis.sync().get("e2e_10.10.0.5_information"));
        assertEquals("10.10.0.5", info.path("ip").asText(), info.toString());
        Map<String, Double> redisShares = new HashMap<>();
        for (String field : new String[]{"top_source_asns", "top_source_countries"}) {
            info.path("attack_details").path(field).forEach(e -> redisShares.put(e.path("code").asText(), e.path("share").asDouble() * 100));
        }
        assertShares(redisShares, info + "\n" + redis.sync().get("e2e_10.10.0.5_packets_dump"));
        assertTrue(redis.sync().get("e2e_10.10.0.5_packets_dump").contains("10.10.0.5:80"));

        // Mail: the three mails, in order, the details with the origins
        assertTrue(smtp.waitForIncomingEmail(10_000, 3), "three mails");
        MimeMessage[] mails = smtp.getReceivedMessages();
        assertEquals(3, mails.length);
        assertEquals("FastNetMon Guard: IP 10.10.0.5 blocked because incoming attack with power " + pps + " pps",
                mails[0].getSubject());
        assertEquals("FastNetMon Guard: IP 10.10.0.5 attack details", mails[1].getSubject());
        assertEquals("FastNetMon Guard: IP 10.10.0.5 unblocked", mails[2].getSubject());
        String details = mails[1].getContent().toString(); // decoded (the mail may be quoted-printable)
        assertTrue(details.contains("Top source ASNs: AS64500 Example Transit "), details);
        assertTrue(details.contains("Top source countries: DE Germany "), details);
        Map<String, Double> mailShares = new HashMap<>();
        for (String line : details.lines().filter(l -> l.startsWith("Top source ")).toList()) {
            Matcher m = SHARE.matcher(line);
            while (m.find()) {
                mailShares.put(m.group(1), Double.parseDouble(m.group(2)));
            }
        }
        assertShares(mailShares, details);
        assertEquals("noc@example.net", mails[1].getAllRecipients()[0].toString());
    }

    /** Three packets in four from AS64500 / DE, one from AS64501 / NL, in percent of the samples. */
    private static void assertShares(Map<String, Double> shares, String where) {
        assertEquals(4, shares.size(), where);
        assertEquals(75, shares.get("AS64500"), 10, where);
        assertEquals(25, shares.get("AS64501"), 10, where);
        assertEquals(shares.get("AS64500"), shares.get("DE"), 0.1, where);
        assertEquals(shares.get("AS64501"), shares.get("NL"), 0.1, where);
    }
}
