package fastnetmon.geoip;

import fastnetmon.config.Configuration;

import java.nio.file.Path;

/**
 * What GeoIP attribution takes from the configuration, read in one place ({@link #from}). Immutable.
 *
 * @param asnDatabase     {@code geoip_asn_database_path}: a GeoLite2-ASN (or GeoIP2-ISP) .mmdb, null when empty
 * @param countryDatabase {@code geoip_country_database_path}: a GeoLite2/GeoIP2 Country (or City) .mmdb, null when empty
 */
public record GeoIpSettings(Path asnDatabase, Path countryDatabase) {
    /** The configuration keys, for the lines that name them. */
    static final String ASN_KEY = "geoip_asn_database_path";
    static final String COUNTRY_KEY = "geoip_country_database_path";

    public static GeoIpSettings from(Configuration c) {
        return new GeoIpSettings(c.getPath(ASN_KEY), c.getPath(COUNTRY_KEY));
    }

    /** Whether any database is configured. */
    public boolean any() {
        return asnDatabase != null || countryDatabase != null;
    }
}
