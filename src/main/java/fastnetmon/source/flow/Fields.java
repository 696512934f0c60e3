package fastnetmon.source.flow;

/**
 * The information elements the decoders read (IANA "IPFIX Information Elements", the same numbers as
 * NetFlow v9's field types below 128), each mapped to a slot of a {@link Template}'s plan. Every other
 * element, and every enterprise-specific one, is skipped by its length.
 */
final class Fields {
    private Fields() {
    }

    static final int SRC4 = 0, DST4 = 1, SRC6 = 2, DST6 = 3, SRC_PORT = 4, DST_PORT = 5, PROTOCOL = 6,
            TCP_FLAGS = 7, TTL = 8, MIN_TTL = 9, MAX_TTL = 10,
            OCTETS = 11, PACKETS = 12, OCTETS_TOTAL = 13, PACKETS_TOTAL = 14,
            OCTETS_POST = 15, PACKETS_POST = 16, OCTETS_POST_TOTAL = 17, PACKETS_POST_TOTAL = 18,
            END_UPTIME = 19, START_UPTIME = 20, START_S = 21, END_S = 22, START_MS = 23, END_MS = 24,
            START_US = 25, END_US = 26, START_NS = 27, END_NS = 28, START_DELTA_US = 29, END_DELTA_US = 30,
            SYSTEM_INIT_MS = 31, DURATION_MS = 32, DURATION_US = 33,
            SAMPLER_ID = 34, SELECTOR_ID = 35, SAMPLING_INTERVAL = 36, SAMPLER_RANDOM_INTERVAL = 37,
            SAMPLING_PACKET_INTERVAL = 38, SAMPLING_PACKET_SPACE = 39, SAMPLING_SIZE = 40, SAMPLING_POPULATION = 41,
            FRAGMENT_FLAGS = 42, FRAGMENT_OFFSET = 43, SAMPLING_PROBABILITY = 44,
            ACTIVE_TIMEOUT = 45, IDLE_TIMEOUT = 46, FORWARDING_STATUS = 47, END_REASON = 48;
    static final int SLOTS = 49;
    static final int NONE = -1;

    /** Slot of an element id below {@link #ELEMENT_LIMIT} (NONE for those not read). */
    private static final byte[] SLOT_OF = new byte[512];
    static final int ELEMENT_LIMIT = SLOT_OF.length;

    static {
        java.util.Arrays.fill(SLOT_OF, (byte) NONE);
        map(8, SRC4);
        map(12, DST4);
        map(27, SRC6);
        map(28, DST6);
        map(7, SRC_PORT);
        map(11, DST_PORT);
        map(4, PROTOCOL);
        map(6, TCP_FLAGS);
        map(192, TTL);
        map(52, MIN_TTL);
        map(53, MAX_TTL);
        map(1, OCTETS);
        map(2, PACKETS);
        map(85, OCTETS_TOTAL);
        map(86, PACKETS_TOTAL);
        map(23, OCTETS_POST);
        map(24, PACKETS_POST);
        map(171, OCTETS_POST_TOTAL);
        map(172, PACKETS_POST_TOTAL);
        map(21, END_UPTIME);
        map(22, START_UPTIME);
        map(150, START_S);
        map(151, END_S);
        map(152, START_MS);
        map(153, END_MS);
        map(154, START_US);
        map(155, END_US);
        map(156, START_NS);
        map(157, END_NS);
        map(158, START_DELTA_US);
        map(159, END_DELTA_US);
        map(160, SYSTEM_INIT_MS);
        map(161, DURATION_MS);
        map(162, DURATION_US);
        map(48, SAMPLER_ID);
        map(302, SELECTOR_ID);
        map(34, SAMPLING_INTERVAL);
        map(50, SAMPLER_RANDOM_INTERVAL);
        map(305, SAMPLING_PACKET_INTERVAL);
        map(306, SAMPLING_PACKET_SPACE);
        map(309, SAMPLING_SIZE);
        map(310, SAMPLING_POPULATION);
        map(197, FRAGMENT_FLAGS);
        map(88, FRAGMENT_OFFSET);
        map(311, SAMPLING_PROBABILITY);
        map(36, ACTIVE_TIMEOUT);
        map(37, IDLE_TIMEOUT);
        map(89, FORWARDING_STATUS);
        map(136, END_REASON);
    }

    private static void map(int element, int slot) {
        SLOT_OF[element] = (byte) slot;
    }

    /** The slot of a non-enterprise element, or NONE. */
    static int slotOf(int element) {
        return element < ELEMENT_LIMIT ? SLOT_OF[element] : NONE;
    }

    /** Whether a field of this length can be read for the slot: addresses exactly, numbers in 1 to 8 bytes. */
    static boolean validLength(int slot, int length) {
        return switch (slot) {
            case SRC4, DST4 -> length == 4;
            case SRC6, DST6 -> length == 16;
            case SAMPLING_PROBABILITY -> length == 8 || length == 4; // float64, or float32 (reduced size)
            default -> length >= 1 && length <= 8;
        };
    }
}
