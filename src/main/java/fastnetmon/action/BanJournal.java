package fastnetmon.action;

import com.fasterxml.jackson.databind.node.ObjectNode;
import fastnetmon.config.AtomicFile;
import fastnetmon.detection.Attack;
import fastnetmon.detection.BanEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The ban-state file (ban_state_path) as a journal of each ban's steps: a ban, its attack_details and
 * its unban are recorded when the evaluator asks for them and marked done when every action has carried
 * them out; a ban leaves the file only when its unban is done. The actions wait for a step to be
 * written before carrying it out ({@link Step#awaitJournaled}), so whatever a stop or a crash cuts
 * short is in the file for the next start ({@link ActionRegistry#recover}). Written whole to a
 * temporary file, synced and renamed over the old one, on a thread of its own; writes that pile up are
 * merged into one.
 *
 * <p>Threading: {@link #record} (evaluator's thread), {@link #completed} (action workers) and the
 * writer share the entries under {@code this}.
 */
final class BanJournal {
    private static final Logger log = LoggerFactory.getLogger(BanJournal.class);
    /** How long an action waits for its step to be written before going on without (a stuck disk). */
    private static final long WRITE_WAIT_MS = 5000;

    private final Path path;
    private final Map<String, JournalEntry> entries = new LinkedHashMap<>();
    private final List<JournalEntry> loaded;
    private final Thread writer;
    private long version;
    private long written;
    private boolean closing;
    private boolean failed; // writer thread only

    /** Loads what the file holds (see {@link BanStateCodec#load}) and starts the writer. */
    BanJournal(Path path) {
        this.path = path;
        this.loaded = BanStateCodec.load(path);
        for (JournalEntry e : loaded) {
            entries.put(JournalEntry.key(e.attack), e);
        }
        // Written once at start: a path that cannot be written is said now, not at the first ban, and
        // the first ban does not wait for the JSON writer's first use.
        version = 1;
        writer = new Thread(this::writeLoop, "ban-state");
        writer.setDaemon(true);
        writer.start();
    }

    Path path() {
        return path;
    }

    /** The entries read at start, as they were read. */
    List<JournalEntry> loaded() {
        return loaded;
    }

    /** Records that a step is asked for; returns the version to wait for before carrying it out. */
    synchronized long record(BanEvent event) {
        Attack a = event.attack();
        JournalEntry e = entries.get(JournalEntry.key(a));
        if (e == null) {
            e = new JournalEntry(a);
            e.banDone = event.kind() == BanEvent.Kind.RESTORED;
            entries.put(JournalEntry.key(a), e);
        }
        switch (event.kind()) {
            case ATTACK_DETAILS -> e.detailsRequested = true;
            case UNBAN -> e.unbanRequested = true;
            default -> {
            }
        }
        version++;
        notifyAll();
        return version;
    }

    /** Records that every action has carried out the step. */
    synchronized void completed(BanEvent event) {
        String key = JournalEntry.key(event.attack());
        JournalEntry e = entries.get(key);
        if (e == null) {
            return;
        }
        switch (event.kind()) {
            case BAN -> e.banDone = true;
            case ATTACK_DETAILS -> e.detailsDone = true;
            case UNBAN -> entries.remove(key);
            default -> {
                return;
            }
        }
        version++;
        notifyAll();
    }

    /** Waits until the file holds {@code v} (at most a few seconds: a stuck disk does not stop the actions). */
    synchronized void awaitWritten(long v) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WRITE_WAIT_MS);
        while (written < v && !closing) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                log.warn("ban state file {} not written within {} ms; the action goes ahead", path, WRITE_WAIT_MS);
                return;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** The steps still pending, one "pending-steps ip" text per ban, for the shutdown line. */
    synchronized List<String> pending() {
        List<String> out = new ArrayList<>();
        for (JournalEntry e : entries.values()) {
            String p = e.pending();
            if (!p.isEmpty()) {
                out.add(p + " " + e.attack.ip);
            }
        }
        return out;
    }

    private void writeLoop() {
        while (true) {
            ObjectNode root;
            long v;
            boolean last;
            synchronized (this) {
                while (written == version && !closing) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                last = closing;
                v = version;
                root = BanStateCodec.encode(entries.values());
            }
            if (v != written || last) {
                write(root);
            }
            synchronized (this) {
                written = Math.max(written, v);
                notifyAll();
                if (last && written == version) {
                    return;
                }
            }
        }
    }

    private void write(ObjectNode root) {
        try {
            byte[] text = BanStateCodec.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
            AtomicFile.replace(path, out -> out.write(text));
            if (failed) {
                failed = false;
                log.info("ban state file {} is written again", path);
            }
        } catch (IOException e) {
            if (!failed) {
                failed = true;
                log.error("cannot write the ban state file {} (ban_state_path): {}; bans will not survive a restart",
                        path, e.toString());
            }
        }
    }

    /** Writes the last state and stops the writer (waits at most 10 s). */
    void close() {
        synchronized (this) {
            closing = true;
            notifyAll();
        }
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
