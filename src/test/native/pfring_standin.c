/*
 * A stand-in libpfring.so for tests: the PF_RING user API calls fastnetmon's JNI binding makes, served
 * from a classic pcap file instead of a NIC, so the binding runs for real where PF_RING is not
 * installed. Built by PfRingEngineTest with gcc.
 *
 * Device names:  file:PATH[,drop=N][,loop][,nopoll]
 *   PATH    classic pcap (micro- or nanosecond, either byte order), read whole at pfring_open
 *   drop=N  pfring_stats reports N dropped packets
 *   loop    start over at the end of the file, forever (for stop tests)
 *   nopoll  pfring_poll returns at once, as some PF_RING modes do
 *   log=P   appends the calls made (open with caplen and flags, socket mode, enable, close) to file P
 * An empty or plain device name takes PATH from the environment variable PFRING_STANDIN_PCAP.
 *
 * Like PF_RING: packets are truncated to the ring's caplen; pfring_recv with buffer_len 0 hands out a
 * pointer into the ring, otherwise copies; returns 1 with a packet, 0 with none, -1 when the ring was
 * not enabled; pfring_stats counts what was handed out.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

struct standin_pkthdr {
    struct timeval ts;
    uint32_t caplen;
    uint32_t len;
    /* the real header goes on with an extended header; callers must leave room for it */
    uint64_t timestamp_ns;
};

typedef struct {
    uint64_t recv, drop, shunt;
} standin_stat;

typedef struct {
    unsigned char *data;
    size_t size, pos, first; /* first: offset of the first record */
    int swapped, nanos;
    uint32_t caplen, flags;
    int enabled, loop, nopoll;
    uint64_t recv, drop;
    volatile int broken;
    FILE *log;
} standin_ring;

static void note(standin_ring *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(standin_ring *r, const char *fmt, ...) {
    if (r->log != NULL) {
        va_list ap;
        va_start(ap, fmt);
        vfprintf(r->log, fmt, ap);
        va_end(ap);
        fflush(r->log);
    }
}

static uint32_t rd32(const standin_ring *r, size_t off) {
    uint32_t v;
    memcpy(&v, r->data + off, 4);
    return r->swapped ? __builtin_bswap32(v) : v;
}

/* Offset of the next whole record at or after r->pos, or (size_t)-1 at the end (wrapping if looping). */
static size_t next_record(standin_ring *r) {
    for (int round = 0; round < 2; round++) {
        if (r->pos + 16 <= r->size) {
            uint32_t incl = rd32(r, r->pos + 8);
            if (r->pos + 16 + incl <= r->size) {
                return r->pos;
            }
        }
        if (!r->loop || r->size == r->first) {
            return (size_t) -1;
        }
        r->pos = r->first;
    }
    return (size_t) -1;
}

void *pfring_open(const char *device_name, uint32_t caplen, uint32_t flags) {
    const char *spec = device_name ? device_name : "";
    char path[4096];
    path[0] = 0;
    long drop = 0;
    int loop = 0, nopoll = 0;
    char log[4096];
    log[0] = 0;
    if (strncmp(spec, "file:", 5) == 0) {
        const char *p = spec + 5;
        size_t n = strcspn(p, ",");
        if (n >= sizeof path) {
            errno = ENAMETOOLONG;
            return NULL;
        }
        memcpy(path, p, n);
        path[n] = 0;
        p += n;
        while (*p == ',') {
            p++;
            if (strncmp(p, "drop=", 5) == 0) {
                drop = strtol(p + 5, NULL, 10);
            } else if (strncmp(p, "loop", 4) == 0) {
                loop = 1;
            } else if (strncmp(p, "nopoll", 6) == 0) {
                nopoll = 1;
            } else if (strncmp(p, "log=", 4) == 0) {
                size_t m = strcspn(p + 4, ",");
                if (m < sizeof log) {
                    memcpy(log, p + 4, m);
                    log[m] = 0;
                }
            }
            p += strcspn(p, ",");
        }
    } else {
        const char *env = getenv("PFRING_STANDIN_PCAP");
        if (env == NULL || strlen(env) >= sizeof path) {
            errno = ENODEV;
            return NULL;
        }
        strcpy(path, env);
    }
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        errno = ENODEV;
        return NULL;
    }
    standin_ring *r = calloc(1, sizeof *r);
    if (r == NULL) {
        fclose(f);
        errno = ENOMEM;
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    r->data = malloc(size > 0 ? (size_t) size : 1);
    if (size < 24 || r->data == NULL || fread(r->data, 1, (size_t) size, f) != (size_t) size) {
        fclose(f);
        free(r->data);
        free(r);
        errno = EINVAL;
        return NULL;
    }
    fclose(f);
    r->size = (size_t) size;
    uint32_t magic;
    memcpy(&magic, r->data, 4);
    if (magic == 0xa1b2c3d4u || magic == 0xa1b23c4du) {
        r->swapped = 0;
    } else if (magic == 0xd4c3b2a1u || magic == 0x4d3cb2a1u) {
        r->swapped = 1;
        magic = __builtin_bswap32(magic);
    } else {
        free(r->data);
        free(r);
        errno = EINVAL;
        return NULL;
    }
    r->nanos = magic == 0xa1b23c4du;
    r->first = r->pos = 24;
    r->caplen = caplen;
    r->flags = flags;
    r->drop = drop > 0 ? (uint64_t) drop : 0;
    r->loop = loop;
    r->nopoll = nopoll;
    if (log[0] != 0) {
        r->log = fopen(log, "a");
    }
    note(r, "open caplen=%u flags=%u\n", caplen, flags);
    return r;
}

int pfring_enable_ring(void *ring) {
    standin_ring *r = ring;
    r->enabled = 1;
    note(r, "enable\n");
    return 0;
}

int pfring_recv(void *ring, unsigned char **buffer, unsigned int buffer_len, struct standin_pkthdr *hdr,
                uint8_t wait_for_incoming_packet) {
    standin_ring *r = ring;
    if (!r->enabled) {
        return -1;
    }
    for (;;) {
        size_t off = next_record(r);
        if (off != (size_t) -1) {
            uint32_t sec = rd32(r, off), frac = rd32(r, off + 4), incl = rd32(r, off + 8), orig = rd32(r, off + 12);
            uint32_t cap = incl < r->caplen ? incl : r->caplen;
            hdr->ts.tv_sec = sec;
            hdr->ts.tv_usec = r->nanos ? frac / 1000 : frac;
            hdr->caplen = cap;
            hdr->len = orig;
            hdr->timestamp_ns = 0;
            unsigned char *pkt = r->data + off + 16;
            if (buffer_len == 0) {
                *buffer = pkt;
            } else {
                uint32_t n = cap < buffer_len ? cap : buffer_len;
                memcpy(*buffer, pkt, n);
                hdr->caplen = n;
            }
            r->pos = off + 16 + incl;
            r->recv++;
            return 1;
        }
        if (!wait_for_incoming_packet) {
            return 0;
        }
        if (r->broken) {
            r->broken = 0;
            return -1;
        }
        struct timespec t = {0, 1000000};
        nanosleep(&t, NULL);
    }
}

int pfring_poll(void *ring, unsigned int wait_duration) {
    standin_ring *r = ring;
    if (next_record(r) != (size_t) -1) {
        return 1;
    }
    if (!r->nopoll) {
        poll(NULL, 0, (int) wait_duration);
    }
    return 0;
}

int pfring_stats(void *ring, standin_stat *stats) {
    standin_ring *r = ring;
    stats->recv = r->recv;
    stats->drop = r->drop;
    stats->shunt = 0;
    return 0;
}

void pfring_breakloop(void *ring) {
    ((standin_ring *) ring)->broken = 1;
}

void pfring_close(void *ring) {
    standin_ring *r = ring;
    note(r, "close recv=%lu drop=%lu\n", (unsigned long) r->recv, (unsigned long) r->drop);
    if (r->log != NULL) {
        fclose(r->log);
    }
    free(r->data);
    free(r);
}

int pfring_set_socket_mode(void *ring, int mode) {
    note(ring, "socket_mode %d\n", mode);
    return mode == 2 ? 0 : -1;
}

int pfring_set_application_name(void *ring, char *name) {
    (void) ring;
    (void) name;
    return 0;
}
