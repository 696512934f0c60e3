package fastnetmon.geoip;

/**
 * An autonomous system as the ASN database names it. Immutable.
 *
 * @param number       e.g. 64500
 * @param organisation e.g. "Example Networks" (empty when the database has none)
 */
public record Asn(long number, String organisation) {
    public Asn {
        organisation = organisation == null ? "" : organisation;
    }

    /** "AS64500". */
    public String code() {
        return "AS" + number;
    }

    /** "AS64500 Example Networks" (the code alone when there is no organisation), as the console shows it. */
    public String text() {
        return organisation.isEmpty() ? code() : code() + " " + organisation;
    }
}
