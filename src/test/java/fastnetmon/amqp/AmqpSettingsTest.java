package fastnetmon.amqp;

import fastnetmon.config.Configuration;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AmqpSettingsTest {
    private static AmqpSettings uri(String uri) {
        return new AmqpSettings(true, uri, "", "fastnetmon_threats", 10);
    }

    /** The problem line of a setting, checked to be one line that names the key and never shows the password. */
    private static String problem(AmqpSettings s) {
        Optional<String> p = s.problem();
        assertTrue(p.isPresent(), s.uri());
        String line = p.get();
        assertFalse(line.contains("\n"), line);
        assertFalse(line.contains("s3cret"), "the password in: " + line);
        assertTrue(line.startsWith("amqp_"), line);
        return line;
    }

    @Test
    void theDefaultsAreOffAndNameTheLocalBrokersDefaultVhostAndQueue() {
        AmqpSettings s = AmqpSettings.from(Configuration.defaults());
        assertEquals(new AmqpSettings(false, "amqp://guest:guest@127.0.0.1:5672/%2f", "", "fastnetmon_threats", 10_000), s);
        assertEquals(Optional.empty(), s.problem(), "off: no problem");
        assertEquals(new AmqpSettings.Endpoint(false, "127.0.0.1", 5672, "guest", "guest", "/"), s.endpoint());
        assertEquals(Optional.empty(), new AmqpSettings(true, s.uri(), "", s.routingKey(), 1).problem());
    }

    @Test
    void theUriIsReadAsRabbitMqsUriSpecSays() {
        assertEquals(new AmqpSettings.Endpoint(true, "mq.example.net", 5671, "fnm", "p@ss:w/rd+", "abuse"),
                uri("amqps://fnm:p%40ss%3Aw%2Frd+@mq.example.net/abuse").endpoint());
        assertEquals(new AmqpSettings.Endpoint(false, "::1", 5673, "guest", "guest", "/"), uri("amqp://[::1]:5673").endpoint());
        assertEquals(new AmqpSettings.Endpoint(false, "h", 5672, "u", "", ""), uri("amqp://u@h/").endpoint(), "an empty path segment: the vhost \"\"");
        assertEquals("amqps mq.example.net:5671 vhost abuse user fnm, exchange threats, routing key k",
                new AmqpSettings(true, "amqps://fnm:s3cret@mq.example.net/abuse", "threats", "k", 1).toString());
        assertFalse(uri("amqp://fnm:s3cret@h/").endpoint().toString().contains("s3cret"));
    }

    @Test
    void aUriThatCannotWorkIsOneLineNamingTheKeyWithoutThePassword() {
        assertEquals("amqp_uri: the scheme must be amqp:// or amqps:// (TLS), not http://", problem(uri("http://u:s3cret@h/")));
        assertTrue(problem(uri("amqp://u:s3cret@h w/")).startsWith("amqp_uri: not a URI (Illegal character"), problem(uri("amqp://u:s3cret@h w/")));
        assertTrue(problem(uri("amqp://u:s3cret%zz@h/")).startsWith("amqp_uri: not a URI (Malformed escape pair"));
        assertEquals("amqp_uri: no scheme: write amqp://user:password@host:port/vhost, or amqps://... for TLS", problem(uri("guest:s3cret@127.0.0.1:5672")));
        assertEquals("amqp_uri: no host (or one that is not a host name)", problem(uri("amqp://u:s3cret@/vh")));
        assertEquals("amqp_uri: the path is the vhost, one segment (write the vhost / as %2f)", problem(uri("amqp://u:s3cret@h//")));
        assertTrue(problem(uri("amqp://u:s3cret@h/?heartbeat=5")).contains("query"));
        assertEquals("amqp_routing_key is empty: with the default exchange (amqp_exchange empty) it names the queue",
                problem(new AmqpSettings(true, "amqp://h", "", "", 1)));
        assertTrue(problem(new AmqpSettings(true, "amqp://h", "x".repeat(256), "k", 1)).startsWith("amqp_exchange is longer"));
        assertTrue(problem(new AmqpSettings(true, "amqp://h", "", "é".repeat(128), 1)).startsWith("amqp_routing_key is longer"), "bytes, not characters");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> uri("amqp://u:s3cret@h:0/").endpoint());
        assertFalse(e.getMessage().contains("s3cret"));
        assertEquals("amqp (amqp_uri not usable), exchange (default), routing key fastnetmon_threats", uri("nope://u:s3cret@h").describe());
    }
}
