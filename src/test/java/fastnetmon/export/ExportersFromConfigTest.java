package fastnetmon.export;

import fastnetmon.config.Configuration;
import fastnetmon.detection.TrafficView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The time-series exporters as the configuration switches them on, with FastNetMon's keys. */
class ExportersFromConfigTest {
    @TempDir
    Path dir;

    private Configuration load(String body) throws Exception {
        Files.writeString(dir.resolve("nets"), "10.0.0.0/8\n");
        Path f = dir.resolve("fastnetmon.conf");
        Files.writeString(f, "networks_list_path = nets\n" + body);
        return Configuration.load(f);
    }

    @Test
    void offByDefault() throws Exception {
        Configuration c = load("");
        assertFalse(InfluxDbSettings.from(c).enabled());
        assertFalse(GraphiteSettings.from(c).enabled());
        try (Exporters e = Exporters.fromConfig(c, TrafficView::empty)) {
            assertEquals(List.of(), e.stats());
        }
    }

    @Test
    void eachKeyIsRead() throws Exception {
        Configuration c = load("""
                influxdb = on
                influxdb_host = ::1
                influxdb_port = 18086
                influxdb_database = ddos
                influxdb_auth = on
                influxdb_user = writer
                influxdb_password = pw
                influxdb_push_period = 10
                graphite = on
                graphite_host = carbon.example
                graphite_port = 12003
                graphite_prefix = fnm.edge1
                graphite_push_period = 5
                """);
        InfluxDbSettings influx = InfluxDbSettings.from(c);
        assertEquals(new InfluxDbSettings(true, "::1", 18086, "ddos", true, "writer", "pw", Duration.ofSeconds(10),
                InfluxDbSettings.TIMEOUT), influx);
        assertEquals("http://[::1]:18086", influx.baseUrl());
        assertFalse(influx.toString().contains("pw"), "no password in logs");
        GraphiteSettings graphite = GraphiteSettings.from(c);
        assertEquals("carbon.example:12003", graphite.where());
        assertEquals("fnm.edge1", graphite.prefix());
        assertEquals(Duration.ofSeconds(5), graphite.pushPeriod());
        try (Exporters e = Exporters.fromConfig(c, TrafficView::empty)) {
            assertEquals(List.of(new ExportStats("influxdb", 0, 0, 0), new ExportStats("graphite", 0, 0, 0)), e.stats());
        }
    }
}
