package fastnetmon.action;

import fastnetmon.detection.Attack;
import fastnetmon.detection.BanEvent;
import fastnetmon.geoip.OriginLookup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code email_notifications}: a mail to every address of {@code email_to} for each ban (the description, as
 * the notify script's stdin), its attack details (with the sample packets) and its unban; a ban restored at
 * start sends none. A conversation that fails for now (no connection, a timeout, a 4xx reply) is tried again
 * after a back-off, a few times; a 5xx reply (wrong password, recipient refused) is not. A failure is one log
 * line with the server's reply, at most once a minute per cause.
 *
 * <p>Threading: {@link #handle} runs on the registry's workers, concurrently for different hosts (each its
 * own SMTP conversation; a host's retries hold only that host's later mails); the log limiter is guarded by
 * itself; {@link #close} cuts the conversations under way.
 */
public final class MailAction implements Action {
    private static final Logger log = LoggerFactory.getLogger(MailAction.class);
    /** Hosts mailed about at once: each is one connection to the SMTP server. */
    public static final int THREADS = 4;
    private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** Failure causes remembered for the log limiter before the stale ones are forgotten. */
    private static final int MAX_CAUSES = 256;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xx");

    /**
     * How often a conversation that failed for now is tried in all, and the wait before the second try (doubled
     * before each further one).
     */
    record Retries(int attempts, Duration firstDelay) {
        static final Retries DEFAULT = new Retries(3, Duration.ofSeconds(5));
    }

    private final MailSettings settings;
    /** Where attacks come from; not in the texts yet (see {@link #body}). */
    private final OriginLookup origins;
    private final ZoneId zone;
    private final Retries retries;
    private final SmtpSender sender;
    /** Per failure cause: {last logged (nanoTime), failures not logged since}; guarded by itself. */
    private final Map<String, long[]> failureLog = new HashMap<>();

    /** Mail with the JVM's trust store for TLS. */
    public MailAction(MailSettings settings, OriginLookup origins, ZoneId zone) {
        this(settings, origins, zone, SmtpSender.Trust.jvmDefault(), Retries.DEFAULT);
    }

    MailAction(MailSettings settings, OriginLookup origins, ZoneId zone, SmtpSender.Trust trust, Retries retries) {
        this.settings = settings;
        this.origins = origins;
        this.zone = zone == null ? ZoneId.systemDefault() : zone;
        this.retries = retries;
        this.sender = new SmtpSender(settings, trust);
    }

    @Override
    public String name() {
        return "mail";
    }

    @Override
    public void handle(BanEvent event) throws Failed, InterruptedException {
        if (event.kind() == BanEvent.Kind.RESTORED) {
            return; // as the notify script: nothing new to tell
        }
        MailMessage message = new MailMessage(settings.from(), settings.to(), subject(event), body(event),
                ZonedDateTime.now(zone));
        deliver(event, message);
    }

    /** FastNetMon's subject for the ban (as its example notify script mails it), ours for the other two. */
    static String subject(BanEvent event) {
        Attack a = event.attack();
        return switch (event.kind()) {
            case BAN -> "FastNetMon Guard: IP " + a.ip + " blocked because " + a.direction.text() + " attack with power "
                    + a.initialPps() + " pps";
            case ATTACK_DETAILS -> "FastNetMon Guard: IP " + a.ip + " attack details";
            default -> "FastNetMon Guard: IP " + a.ip + " unblocked";
        };
    }

    /** Each mail's text: the ban and details texts with the attack's origins (GeoIP), as the script gets them. */
    private String body(BanEvent event) {
        Attack a = event.attack();
        return switch (event.kind()) {
            case BAN -> AttackText.banText(a, origins.of(a));
            case ATTACK_DETAILS -> AttackText.details(a, origins.of(a), zone);
            default -> unbanText(a, event.atNanos());
        };
    }

    private String unbanText(Attack a, long unbannedAtNanos) {
        return "IP: " + a.ip + "\n"
                + "Attack type: " + AttackText.attackTypeName(a.attackType) + "\n"
                + "Attack direction: " + a.direction.text() + "\n"
                + "Initial attack power: " + a.initialPps() + " packets per second\n"
                + "Peak attack power: " + a.peakPps + " packets per second\n"
                + "Banned at: " + time(a.bannedAtNanos) + "\n"
                + "Unbanned at: " + time(unbannedAtNanos) + "\n";
    }

    private String time(long epochNanos) {
        return TIME.format(Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L)).atZone(zone));
    }

    /** Sends, trying again after a back-off while the failure is one for now; throws {@link Failed} when it gave up. */
    private void deliver(BanEvent event, MailMessage message) throws Failed, InterruptedException {
        String what = event.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + event.attack().ip;
        long delayMillis = retries.firstDelay().toMillis();
        for (int attempt = 1; ; attempt++) {
            try {
                List<String> refused = sender.send(message);
                if (refused.isEmpty()) {
                    log.info("mail: {} sent to {}", what, String.join(", ", message.to()));
                    return;
                }
                failed("RCPT TO refused", "mail: " + what + " sent, but " + settings.server() + " refused "
                        + String.join("; ", refused));
                throw new Failed("recipients refused");
            } catch (SmtpFailure f) {
                if (f.permanent() || attempt >= retries.attempts()) {
                    failed(f.cause(), "mail: " + what + " not sent via " + settings.server()
                            + (attempt > 1 ? " after " + attempt + " attempts" : "") + ": " + f.line);
                    throw new Failed(f.line);
                }
                log.debug("mail: {} attempt {} failed ({}); next in {} ms", what, attempt, f.line, delayMillis);
                Thread.sleep(delayMillis);
                delayMillis *= 2;
            }
        }
    }

    /** Logs the line unless a failure of the same cause was logged less than a minute ago (then counts it). */
    private void failed(String cause, String line) {
        long now = System.nanoTime();
        long unlogged;
        synchronized (failureLog) {
            long[] seen = failureLog.get(cause);
            if (seen != null && now - seen[0] < LOG_INTERVAL_NANOS) {
                seen[1]++;
                return;
            }
            unlogged = seen == null ? 0 : seen[1];
            if (failureLog.size() >= MAX_CAUSES) { // causes not seen for a minute have nothing left to say
                failureLog.values().removeIf(v -> now - v[0] >= LOG_INTERVAL_NANOS && v[1] == 0);
            }
            failureLog.put(cause, new long[]{now, 0});
        }
        log.warn("{}{}", line, unlogged > 0 ? " (" + unlogged + " more such failures since the last such line; "
                + "logged at most once a minute)" : "");
    }

    @Override
    public void close() {
        sender.close();
    }
}
