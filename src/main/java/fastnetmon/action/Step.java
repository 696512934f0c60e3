package fastnetmon.action;

import fastnetmon.detection.BanEvent;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One ban event on its way through every action. It waits to be journaled before an action carries it
 * out, and tells the journal when every action has carried it out; a step that an action dropped or
 * abandoned never completes, so it stays pending in the journal for the next start.
 *
 * <p>Threading: made on the evaluator's thread, then used by the actions' workers; thread-safe.
 */
final class Step {
    private final BanEvent event;
    private final BanJournal journal; // null: nothing journaled
    private final long version;
    private final AtomicInteger remaining;

    Step(BanEvent event, BanJournal journal, long version, int actions) {
        this.event = event;
        this.journal = journal;
        this.version = version;
        this.remaining = new AtomicInteger(actions);
    }

    BanEvent event() {
        return event;
    }

    /** Blocks until the journal holds this step (bounded: a disk that hangs does not stop the actions). */
    void awaitJournaled() throws InterruptedException {
        if (journal != null) {
            journal.awaitWritten(version);
        }
    }

    /** One action has carried the step out. */
    void done() {
        if (remaining.decrementAndGet() == 0 && journal != null) {
            journal.completed(event);
        }
    }

    /** One action will never carry it out (dropped or abandoned): the step can no longer complete. */
    void abandon() {
        remaining.set(Integer.MIN_VALUE / 2);
    }
}
