package fastnetmon.geoip;

import java.util.List;

/**
 * Where an attack's traffic comes from: its top source ASNs and countries with their shares of the
 * sampled traffic, busiest first. Immutable. {@link #NONE} when no GeoIP database is configured (the
 * texts then leave the section out).
 *
 * @param asns      top source ASNs: code "AS15169", name the organisation
 * @param countries top source countries: code "DE" (ISO 3166-1), name "Germany"
 */
public record Origins(List<Share> asns, List<Share> countries) {
    public static final Origins NONE = new Origins(List.of(), List.of());

    public Origins {
        asns = List.copyOf(asns);
        countries = List.copyOf(countries);
    }

    /** One ASN or country and its share of the sampled packets, from 0 to 1. */
    public record Share(String code, String name, double share) {
    }

    public boolean isEmpty() {
        return asns.isEmpty() && countries.isEmpty();
    }
}
