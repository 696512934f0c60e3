package fastnetmon.geoip;

import com.maxmind.db.CHMCache;
import com.maxmind.db.InvalidDatabaseException;
import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.exception.GeoIp2Exception;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One MaxMind database file (.mmdb) named by a configuration key, opened at start and opened again
 * when the file changes ({@link #check}): the new reader replaces the old one atomically and the old
 * one is closed once no lookup uses it any more. A file that is missing, unreadable, not a MaxMind
 * database or of the wrong kind is said in one line naming the key and the file; the reader loaded
 * before (if any) stays in use, and the file is tried again when it changes. The whole file is read
 * into the heap, so a file rewritten in place never disturbs lookups.
 *
 * <p>Threading: {@link #lookup} on any thread, concurrently (under the read lock); {@link #check} on one
 * thread at a time (the reload thread, or the constructor); {@link #close} once, after the checks stopped.
 */
final class GeoDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GeoIp.class);
    private static final DateTimeFormatter BUILD_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    /** What a database is for: the types of database that answer it, and what is missing without it. */
    enum Kind {
        ASN("an ASN", "source ASNs"), COUNTRY("a country", "source countries");

        private final String article;
        private final String without;

        Kind(String article, String without) {
            this.article = article;
            this.without = without;
        }

        /** GeoLite2-ASN (and databases built compatible with it) or GeoIP2-ISP; Country, City or Enterprise. */
        boolean accepts(String databaseType) {
            return this == ASN ? databaseType.contains("ASN") || databaseType.contains("ISP")
                    : databaseType.contains("Country") || databaseType.contains("City") || databaseType.contains("Enterprise");
        }
    }

    /** A question to one reader; an empty answer when the address has no record. */
    interface Query<T> {
        Optional<T> ask(DatabaseReader reader, InetAddress address) throws IOException, GeoIp2Exception;
    }

    /** What identifies a version of the file: a replaced or rewritten file has another. */
    private record Stamp(Object fileKey, long modifiedMillis, long size) {
        static final Stamp MISSING = new Stamp(null, -1, -1);
    }

    private final String key;
    private final Path file;
    private final Kind kind;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private DatabaseReader reader; // guarded by lock
    /** The loaded reader's database type, for the log lines. Guarded by lock. */
    private String loadedType;
    /** The version of the file last tried, loaded or not. Only the checking thread touches it. */
    private Stamp tried;
    /** A failed lookup is said once per loaded file. */
    private final AtomicBoolean lookupFailureSaid = new AtomicBoolean();

    /** Opens the file now (saying in one line what is wrong with it, if anything). */
    GeoDatabase(String key, Path file, Kind kind) {
        this.key = key;
        this.file = file;
        this.kind = kind;
        check();
    }

    /**
     * The database's answer for the address, or null when it has no record, no database is loaded, or the
     * lookup failed (said once per loaded file).
     */
    <T> T lookup(InetAddress address, Query<T> query) {
        lock.readLock().lock();
        try {
            if (reader == null) {
                return null;
            }
            return query.ask(reader, address).orElse(null);
        } catch (IOException | GeoIp2Exception | RuntimeException e) {
            if (lookupFailureSaid.compareAndSet(false, true)) {
                log.warn("{} {}: lookups fail ({}); the file may be damaged: replace it", key, file, e.getMessage());
            }
            return null;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Opens the file again when it changed since it was last tried; returns whether a new one was loaded. */
    boolean check() {
        Stamp now = stamp();
        if (now.equals(tried)) {
            return false;
        }
        boolean first = tried == null;
        tried = now;
        DatabaseReader fresh;
        try {
            fresh = open();
        } catch (Unusable e) {
            String had;
            lock.readLock().lock();
            try {
                had = reader == null ? "running without " + kind.without + " until a good file is there"
                        : "keeping the " + loadedType + " database loaded before";
            } finally {
                lock.readLock().unlock();
            }
            log.warn("{} {}: {}; {}", key, file, e.getMessage(), had);
            return false;
        }
        String type = fresh.getMetadata().getDatabaseType();
        DatabaseReader old;
        lock.writeLock().lock();
        try {
            old = reader;
            reader = fresh;
            loadedType = type;
        } finally {
            lock.writeLock().unlock();
        }
        lookupFailureSaid.set(false);
        closeQuietly(old); // no lookup holds it: they all ran under the read lock
        log.info("{} {}: {} {} database, built {}", key, file, first ? "loaded the" : "reloaded: a new", type,
                BUILD_DATE.format(fresh.getMetadata().getBuildDate().toInstant()));
        return true;
    }

    /** The reader of the file as it is now (read whole into the heap), checked to be of the right kind. */
    private DatabaseReader open() throws Unusable {
        DatabaseReader r;
        try (InputStream in = Files.newInputStream(file)) {
            if (!Files.isRegularFile(file)) {
                throw new Unusable("not a regular file");
            }
            r = new DatabaseReader.Builder(in).withCache(new CHMCache()).build();
        } catch (NoSuchFileException e) {
            throw new Unusable("no such file");
        } catch (AccessDeniedException e) {
            throw new Unusable("permission denied");
        } catch (InvalidDatabaseException e) {
            throw new Unusable("not a MaxMind database (.mmdb)");
        } catch (IOException | RuntimeException e) {
            throw new Unusable("cannot be read: " + e.getMessage());
        }
        String type = r.getMetadata().getDatabaseType();
        if (!kind.accepts(type)) {
            closeQuietly(r);
            throw new Unusable("a " + type + " database, not " + kind.article + " one");
        }
        return r;
    }

    private Stamp stamp() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(a.fileKey(), a.lastModifiedTime().toMillis(), a.size());
        } catch (IOException e) {
            return Stamp.MISSING;
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            closeQuietly(reader);
            reader = null;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private static void closeQuietly(DatabaseReader r) {
        if (r != null) {
            try {
                r.close();
            } catch (IOException ignored) {
                // a reader of a heap copy holds no file
            }
        }
    }

    /** Why a file cannot be used, as the end of a line naming it. */
    private static final class Unusable extends Exception {
        Unusable(String why) {
            super(why, null, false, false);
        }
    }

    @Override
    public String toString() {
        return key + " " + file;
    }
}
