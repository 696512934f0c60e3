package fastnetmon.amqp;

/**
 * The {@link ThreatPublisher}'s counters at one moment. Immutable.
 *
 * @param published      events the broker confirmed and routed to a queue (each counted once, even when a
 *                       retry after a lost connection published it twice)
 * @param unroutable     events the broker confirmed but returned: no queue is bound for the exchange and
 *                       routing key (they are not kept: publishing them again would not route them)
 * @param failedAttempts connection attempts and publishes that failed (the broker away, refused, a nack or
 *                       a confirm that did not come in time); what they carried is kept and retried
 * @param dropped        events not taken because the buffer was full
 * @param buffered       events held now: waiting, or published and not yet confirmed
 * @param connected      whether a connection to the broker is open now
 */
public record ThreatPublisherStats(long published, long unroutable, long failedAttempts, long dropped, int buffered,
                                   boolean connected) {
}
