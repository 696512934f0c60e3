package fastnetmon.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * MaxMind databases for the GeoIP tests, written by MaxMind's own writer (MaxMind::DB::Writer::Tree, run
 * by {@code src/test/resources/geoip/write-mmdb.pl}), with documentation networks (192.0.2.0/24,
 * 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) and private ASNs (64496-64511).
 */
public final class Mmdb {
    private static final Path WRITER = Path.of("src/test/resources/geoip/write-mmdb.pl");

    private Mmdb() {
    }

    /** An ASN record: network, number, organisation. */
    public static String asn(String network, long number, String organisation) {
        return network + "\t" + number + "\t" + organisation;
    }

    /** A country record: network, ISO code, English name (geoname id made up). */
    public static String country(String network, String code, String name) {
        return network + "\t" + code + "\t" + name + "\t" + (1000 + Math.abs(code.hashCode() % 1000));
    }

    /** Writes a GeoLite2-ASN database of these {@link #asn} records to {@code out}. */
    public static Path asnDatabase(Path out, String... records) throws IOException {
        return write("GeoLite2-ASN", out, List.of(records));
    }

    /** Writes a GeoLite2-Country database of these {@link #country} records to {@code out}. */
    public static Path countryDatabase(Path out, String... records) throws IOException {
        return write("GeoLite2-Country", out, List.of(records));
    }

    /** Writes the database beside {@code target} and renames it over {@code target}, as geoipupdate does. */
    public static void replace(Path target, Path written) throws IOException {
        Files.move(written, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    public static Path write(String type, Path out, List<String> records) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("perl", WRITER.toString(), type, out.toString())
                .redirectErrorStream(true);
        Process p = pb.start();
        p.getOutputStream().write((String.join("\n", records) + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("the mmdb writer did not finish within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("the mmdb writer failed (" + p.exitValue() + "): " + output);
        }
        return out;
    }
}
