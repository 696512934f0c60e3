package fastnetmon.geoip;

import fastnetmon.detection.Attack;

/**
 * Works out an attack's {@link Origins} (from its sample packets, and its flows when tracked). Built once
 * from the configuration and handed to every action and presentation that shows origins.
 *
 * <p>Threading: any thread, concurrently.
 */
public interface OriginLookup {
    /** No database configured: every attack's origins are {@link Origins#NONE}. */
    OriginLookup NONE = attack -> Origins.NONE;

    Origins of(Attack attack);
}
