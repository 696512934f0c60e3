package fastnetmon.geoip;

import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.model.AsnResponse;
import com.maxmind.geoip2.model.CountryResponse;
import com.maxmind.geoip2.exception.GeoIp2Exception;
import fastnetmon.networks.IpAddresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The configured MaxMind databases (ASN, country; either may be missing) and what they say of one
 * address, built once from the configuration ({@link #open}). Each file is checked every
 * {@link #CHECK_PERIOD} on a daemon thread of its own and reloaded when it changed (see
 * {@link GeoDatabase}); lookups never wait for a file to be read. {@link #NONE} when nothing is configured.
 *
 * <p>Threading: lookups on any thread, concurrently (actions, API and console threads; never capture);
 * {@link #close} once, by the owner at stop.
 */
public final class GeoIp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GeoIp.class);
    /** How often the files are checked for a new version (MaxMind publishes weekly). */
    public static final Duration CHECK_PERIOD = Duration.ofSeconds(5);

    /** No database: every lookup answers null, every attack's origins are {@link Origins#NONE}. */
    public static final GeoIp NONE = new GeoIp(null, null, null);

    private final GeoDatabase asn;
    private final GeoDatabase country;
    private final ScheduledExecutorService reloads;
    /** Counts the files loaded since start, so what was worked out from an older one can be told apart. */
    private final AtomicLong generation = new AtomicLong();
    private final OriginLookup origins;

    private GeoIp(GeoDatabase asn, GeoDatabase country, Duration checkPeriod) {
        this.asn = asn;
        this.country = country;
        this.origins = asn == null && country == null ? OriginLookup.NONE : new AttackOrigins(this);
        if (checkPeriod == null) {
            reloads = null;
            return;
        }
        reloads = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "geoip-reload");
            t.setDaemon(true);
            return t;
        });
        long ms = checkPeriod.toMillis();
        reloads.scheduleWithFixedDelay(this::checkFiles, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Opens the configured databases (a bad one is said in one line and left out) and starts watching them. */
    public static GeoIp open(GeoIpSettings settings) {
        return open(settings, CHECK_PERIOD);
    }

    /** The same with another check period (tests). */
    static GeoIp open(GeoIpSettings settings, Duration checkPeriod) {
        if (!settings.any()) {
            return NONE;
        }
        GeoDatabase a = settings.asnDatabase() == null ? null
                : new GeoDatabase(GeoIpSettings.ASN_KEY, settings.asnDatabase(), GeoDatabase.Kind.ASN);
        GeoDatabase c = settings.countryDatabase() == null ? null
                : new GeoDatabase(GeoIpSettings.COUNTRY_KEY, settings.countryDatabase(), GeoDatabase.Kind.COUNTRY);
        return new GeoIp(a, c, checkPeriod);
    }

    /** Whether an ASN database is configured (loaded or not): the top talkers then show their ASN. */
    public boolean hasAsn() {
        return asn != null;
    }

    /** Whether a country database is configured (loaded or not). */
    public boolean hasCountry() {
        return country != null;
    }

    /** The attacks' origins from these databases ({@link OriginLookup#NONE} when none is configured). */
    public OriginLookup origins() {
        return origins;
    }

    /** The autonomous system of an address (text, IPv4 or IPv6), or null: no ASN database, no record, not an address. */
    public Asn asn(String ip) {
        InetAddress a = asn == null ? null : address(ip);
        return a == null ? null : asn.lookup(a, GeoIp::asnOf);
    }

    /** The country of an address, or null: no country database, no record, not an address. */
    public Country country(String ip) {
        InetAddress a = country == null ? null : address(ip);
        return a == null ? null : country.lookup(a, GeoIp::countryOf);
    }

    /** Changes each time a database file is loaded or reloaded. */
    long generation() {
        return generation.get();
    }

    /** Checks every file now (the reload thread, and tests). */
    void checkFiles() {
        try {
            for (GeoDatabase d : databases()) {
                if (d.check()) {
                    generation.incrementAndGet();
                }
            }
        } catch (RuntimeException e) {
            log.warn("checking the GeoIP databases failed; checked again in {} s", CHECK_PERIOD.toSeconds(), e);
        }
    }

    private List<GeoDatabase> databases() {
        List<GeoDatabase> l = new ArrayList<>(2);
        if (asn != null) {
            l.add(asn);
        }
        if (country != null) {
            l.add(country);
        }
        return l;
    }

    /** Stops watching the files and closes the readers (lookups then answer null). */
    @Override
    public void close() {
        if (reloads != null) {
            reloads.shutdownNow();
            try {
                reloads.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        databases().forEach(GeoDatabase::close);
    }

    /** GeoLite2-ASN answers asn(); GeoIP2-ISP answers isp(), which carries the same two fields. */
    private static Optional<Asn> asnOf(DatabaseReader r, InetAddress a) throws IOException, GeoIp2Exception {
        Optional<? extends AsnResponse> found = r.getMetadata().getDatabaseType().contains("ISP") ? r.tryIsp(a) : r.tryAsn(a);
        return found.filter(x -> x.getAutonomousSystemNumber() != null)
                .map(x -> new Asn(x.getAutonomousSystemNumber(), x.getAutonomousSystemOrganization()));
    }

    /** The country, or where the network is registered when the database gives no country (anycast, EU-wide). */
    private static Optional<Country> countryOf(DatabaseReader r, InetAddress a) throws IOException, GeoIp2Exception {
        Optional<CountryResponse> found = r.tryCountry(a);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        com.maxmind.geoip2.record.Country c = found.get().getCountry();
        if (c == null || c.getIsoCode() == null) {
            c = found.get().getRegisteredCountry();
        }
        return c == null || c.getIsoCode() == null ? Optional.empty() : Optional.of(new Country(c.getIsoCode(), c.getName()));
    }

    /** An address literal as an InetAddress (never a DNS lookup); null when it is not one. */
    static InetAddress address(String ip) {
        long[] a = ip == null ? null : IpAddresses.parse(ip);
        if (a == null) {
            return null;
        }
        byte[] b;
        if (IpAddresses.isV4Mapped(a[0], a[1])) {
            b = new byte[]{(byte) (a[1] >>> 24), (byte) (a[1] >>> 16), (byte) (a[1] >>> 8), (byte) a[1]};
        } else {
            b = new byte[16];
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (a[0] >>> (56 - 8 * i));
                b[8 + i] = (byte) (a[1] >>> (56 - 8 * i));
            }
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            return null; // not reached: 4 or 16 bytes
        }
    }
}
