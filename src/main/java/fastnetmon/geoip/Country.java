package fastnetmon.geoip;

/**
 * A country as the country database names it. Immutable.
 *
 * @param code ISO 3166-1 alpha-2, e.g. "DE"
 * @param name English name, e.g. "Germany" (empty when the database has none)
 */
public record Country(String code, String name) {
    public Country {
        name = name == null ? "" : name;
    }
}
