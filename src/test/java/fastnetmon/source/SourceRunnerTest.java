package fastnetmon.source;

import fastnetmon.testing.Eventually;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

class SourceRunnerTest {
    /** Records what the runner calls, and on which thread. */
    static final class Recording implements Source {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final List<Thread> threads = new CopyOnWriteArrayList<>();
        final AtomicInteger rounds = new AtomicInteger();
        volatile int failAtRound = -1;
        volatile boolean throwRuntime;
        volatile long dropped;

        @Override
        public String name() {
            return "fake#0";
        }

        @Override
        public int doWork() throws SourceException {
            threads.add(Thread.currentThread());
            int n = rounds.incrementAndGet();
            if (n == failAtRound) {
                if (throwRuntime) {
                    throw new IllegalStateException("bug");
                }
                throw new SourceException("interface fake was removed");
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return n % 2;
        }

        @Override
        public void onSecond(long epochSecond) {
            threads.add(Thread.currentThread());
            calls.add("second " + epochSecond);
        }

        @Override
        public long received() {
            return rounds.get();
        }

        @Override
        public long dropped() {
            return dropped;
        }

        @Override
        public void close() {
            threads.add(Thread.currentThread());
            calls.add("close");
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        Eventually.until(java.time.Duration.ofSeconds(10), condition, "the condition");
    }

    @Test
    void secondsFollowTheClockAndCloseRunsOnceOnTheSourceThread() throws Exception {
        Recording src = new Recording();
        AtomicLong millis = new AtomicLong(1_000_000_500L);
        SourceRunner runner = SourceRunner.start(src, millis::get);
        waitFor(() -> src.rounds.get() > 5);
        assertEquals(List.of("second 1000000"), src.calls);
        millis.set(1_000_001_000L);
        int seen = src.rounds.get();
        waitFor(() -> src.rounds.get() > seen + 3);
        millis.set(1_000_000_999L); // stepped back: stays in the later second
        int seen2 = src.rounds.get();
        waitFor(() -> src.rounds.get() > seen2 + 3);
        millis.set(1_000_003_000L);
        int seen3 = src.rounds.get();
        waitFor(() -> src.rounds.get() > seen3 + 3);
        assertTrue(runner.running());
        runner.close();
        runner.close();
        assertFalse(runner.running());
        assertNull(runner.failure());
        assertEquals(List.of("second 1000000", "second 1000001", "second 1000003", "close"), src.calls);
        Thread t = src.threads.get(0);
        assertEquals("source-fake#0", t.getName());
        assertTrue(src.threads.stream().allMatch(x -> x == t), "every call on the source's own thread");
    }

    @Test
    void aSourceExceptionStopsAndClosesThatSource() throws Exception {
        Recording src = new Recording();
        src.failAtRound = 3;
        SourceRunner runner = SourceRunner.start(src);
        waitFor(() -> !runner.running());
        assertEquals("interface fake was removed", runner.failure());
        assertEquals(3, src.rounds.get());
        assertEquals("close", src.calls.get(src.calls.size() - 1));
        runner.close();
        assertEquals(1, src.calls.stream().filter("close"::equals).count());
    }

    @Test
    void aRuntimeExceptionStopsTheSourceInsteadOfRepeating() throws Exception {
        Recording src = new Recording();
        src.failAtRound = 2;
        src.throwRuntime = true;
        SourceRunner runner = SourceRunner.start(src);
        waitFor(() -> !runner.running());
        assertEquals(2, src.rounds.get());
        assertTrue(runner.failure().contains("bug"), runner.failure());
        assertEquals("close", src.calls.get(src.calls.size() - 1));
    }

    @Test
    void growingDropsAreWarnedAtMostOnceAMinute() throws Exception {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(SourceRunner.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> events = new ch.qos.logback.core.read.ListAppender<>();
        events.start();
        logger.addAppender(events);
        try {
            Recording src = new Recording();
            AtomicLong millis = new AtomicLong(2_000_000_000L);
            SourceRunner runner = SourceRunner.start(src, millis::get);
            waitFor(() -> src.rounds.get() > 2);
            for (int s = 1; s <= 70; s++) { // 70 s of a source dropping 5 a second
                src.dropped += 5;
                int seen = src.rounds.get();
                millis.addAndGet(1000);
                waitFor(() -> src.rounds.get() > seen + 1);
            }
            runner.close();
            List<String> warnings = events.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.contains("dropped")).toList();
            assertEquals(2, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).startsWith("source fake#0: 5 dropped for lack of room so far"), warnings.toString());
        } finally {
            logger.detachAppender(events);
        }
    }
}
