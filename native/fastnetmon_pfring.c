/*
 * libfastnetmon_pfring.so: the JNI side of fastnetmon.source.pfring.PfRingNative.
 *
 * PF_RING is not linked at build time: libpfring is dlopen()ed at run time, so this library builds and
 * loads on machines without PF_RING, and the Java side can say plainly when libpfring is missing. The
 * few PF_RING types used here are declared below (only their leading, stable fields are read), so
 * pfring.h is not needed either.
 *
 * Hot path: one recvBatch() call copies up to maxPackets packets into a direct ByteBuffer as records
 *   [u64 timestamp ns][u32 captured length][u32 wire length][captured bytes, zero-padded to 8]
 * in native byte order, so Java makes one native call per batch, never one per packet.
 */
#define _GNU_SOURCE
#include <jni.h>

#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* Bumped whenever a native method's signature or the record layout changes; checked by the Java side. */
#define FNM_PFRING_ABI 1

/* ---- our own declarations of the PF_RING user API (pfring.h / linux/pf_ring.h) ---- */

#define FNM_PF_RING_PROMISC      (1u << 3)
#define FNM_PF_RING_DO_NOT_PARSE (1u << 9)
#define FNM_RECV_ONLY_MODE       2 /* socket_mode: send_and_recv_mode = 0, send_only_mode, recv_only_mode */
#define FNM_PF_RING_ERROR_NO_PKT_AVAILABLE (-3)

/*
 * struct pfring_pkthdr starts with a struct timeval and the captured and wire lengths; an extended
 * header follows whose size depends on the PF_RING version and build options. PF_RING may write all
 * of it, so the header lives in a buffer far larger than any version's.
 */
struct fnm_pkthdr {
    struct timeval ts;
    uint32_t caplen;
    uint32_t len;
};
#define FNM_PKTHDR_ROOM 4096

/* pfring_stat: u_int64_t recv, drop, shunt (older versions: u_long recv, drop); room to spare. */
struct fnm_stat {
    uint64_t recv;
    uint64_t drop;
    uint64_t more[6];
};

typedef void *(*fn_open)(const char *device_name, uint32_t caplen, uint32_t flags);
typedef int (*fn_enable_ring)(void *ring);
typedef int (*fn_recv)(void *ring, unsigned char **buffer, unsigned int buffer_len, void *hdr,
                       uint8_t wait_for_incoming_packet);
typedef int (*fn_stats)(void *ring, void *stats);
typedef void (*fn_close)(void *ring);
typedef void (*fn_breakloop)(void *ring);
typedef int (*fn_poll)(void *ring, unsigned int wait_duration_ms);
typedef int (*fn_set_socket_mode)(void *ring, int mode);
typedef int (*fn_set_application_name)(void *ring, char *name);

/* One loaded libpfring. Never unloaded: rings may still point into it. */
typedef struct {
    void *dl;
    fn_open open;
    fn_enable_ring enable_ring;
    fn_recv recv;
    fn_stats stats;
    fn_close close;
    fn_breakloop breakloop;
    fn_poll poll;                                 /* optional */
    fn_set_socket_mode set_socket_mode;           /* optional */
    fn_set_application_name set_application_name; /* optional */
} fnm_lib;

/* One open ring. */
typedef struct {
    const fnm_lib *lib;
    void *ring;
    uint32_t caplen;
    volatile int stop; /* set by breakloop() from another thread, read by recvBatch() */
    union {
        struct fnm_pkthdr hdr;
        unsigned char room[FNM_PKTHDR_ROOM];
        uint64_t align;
    } h;
} fnm_ring;

/* ---- helpers ---- */

static void set_string(JNIEnv *env, jobjectArray out, jsize index, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* out[index] = the formatted text, when out has that element */
static void set_string(JNIEnv *env, jobjectArray out, jsize index, const char *fmt, ...) {
    if (out == NULL || (*env)->GetArrayLength(env, out) <= index) {
        return;
    }
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    jstring s = (*env)->NewStringUTF(env, msg);
    if (s != NULL) {
        (*env)->SetObjectArrayElement(env, out, index, s);
        (*env)->DeleteLocalRef(env, s);
    }
}

static uint64_t now_realtime_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (uint64_t) t.tv_sec * 1000000000ull + (uint64_t) t.tv_nsec;
}

static uint64_t now_monotonic_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t) t.tv_sec * 1000000000ull + (uint64_t) t.tv_nsec;
}

static void sleep_ns(uint64_t ns) {
    struct timespec t = {(time_t) (ns / 1000000000ull), (long) (ns % 1000000000ull)};
    nanosleep(&t, NULL);
}

/* Whether dlopen's error means "this candidate does not exist" (rather than "exists but cannot be loaded"). */
static int is_not_found(const char *candidate, const char *err) {
    if (strchr(candidate, '/') != NULL) {
        return access(candidate, F_OK) != 0;
    }
    /* A bare name: glibc reports "<name>: cannot open shared object file: No such file or directory".
       A missing dependency of a library that was found names the dependency instead. */
    size_t n = strlen(candidate);
    return err != NULL && strncmp(err, candidate, n) == 0 && err[n] == ':' &&
           strstr(err, "No such file or directory") != NULL;
}

/* ---- JNI: fastnetmon.source.pfring.PfRingNative ---- */

JNIEXPORT jint JNICALL Java_fastnetmon_source_pfring_PfRingNative_abiVersion(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return FNM_PFRING_ABI;
}

/*
 * Loads the first candidate that exists. Returns the library handle (and its path in out[1]); 0 with
 * out[0] left null when no candidate exists; 0 with out[0] set when one exists but is unusable.
 */
JNIEXPORT jlong JNICALL Java_fastnetmon_source_pfring_PfRingNative_loadLibrary(JNIEnv *env, jclass cls,
                                                                              jobjectArray candidates,
                                                                              jobjectArray error) {
    (void) cls;
    jsize count = (*env)->GetArrayLength(env, candidates);
    for (jsize i = 0; i < count; i++) {
        jstring js = (jstring) (*env)->GetObjectArrayElement(env, candidates, i);
        if (js == NULL) {
            continue;
        }
        const char *path = (*env)->GetStringUTFChars(env, js, NULL);
        if (path == NULL) {
            return 0; /* OutOfMemoryError pending */
        }
        dlerror();
        void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (dl == NULL) {
            const char *err = dlerror();
            if (is_not_found(path, err)) {
                (*env)->ReleaseStringUTFChars(env, js, path);
                (*env)->DeleteLocalRef(env, js);
                continue;
            }
            set_string(env, error, 0, "%s was found but could not be loaded: %s", path, err ? err : "unknown error");
            (*env)->ReleaseStringUTFChars(env, js, path);
            return 0;
        }
        fnm_lib *lib = calloc(1, sizeof *lib);
        if (lib == NULL) {
            dlclose(dl);
            set_string(env, error, 0, "out of memory");
            (*env)->ReleaseStringUTFChars(env, js, path);
            return 0;
        }
        lib->dl = dl;
        const char *missing = NULL;
#define REQUIRE(field, type, name) \
    if ((lib->field = (type) dlsym(dl, name)) == NULL && missing == NULL) missing = name
        REQUIRE(open, fn_open, "pfring_open");
        REQUIRE(enable_ring, fn_enable_ring, "pfring_enable_ring");
        REQUIRE(recv, fn_recv, "pfring_recv");
        REQUIRE(stats, fn_stats, "pfring_stats");
        REQUIRE(close, fn_close, "pfring_close");
        REQUIRE(breakloop, fn_breakloop, "pfring_breakloop");
#undef REQUIRE
        lib->poll = (fn_poll) dlsym(dl, "pfring_poll");
        lib->set_socket_mode = (fn_set_socket_mode) dlsym(dl, "pfring_set_socket_mode");
        lib->set_application_name = (fn_set_application_name) dlsym(dl, "pfring_set_application_name");
        if (missing != NULL) {
            set_string(env, error, 0, "%s is not a usable PF_RING library: it has no %s", path, missing);
            dlclose(dl);
            free(lib);
            (*env)->ReleaseStringUTFChars(env, js, path);
            return 0;
        }
        set_string(env, error, 1, "%s", path);
        (*env)->ReleaseStringUTFChars(env, js, path);
        return (jlong) (intptr_t) lib;
    }
    return 0;
}

/* Opens and enables a ring on a device; 0 with error[0] set on failure. */
JNIEXPORT jlong JNICALL Java_fastnetmon_source_pfring_PfRingNative_open(JNIEnv *env, jclass cls, jlong libHandle,
                                                                       jstring device, jint caplen,
                                                                       jboolean promisc, jobjectArray error) {
    (void) cls;
    const fnm_lib *lib = (const fnm_lib *) (intptr_t) libHandle;
    if (lib == NULL || device == NULL || caplen <= 0) {
        set_string(env, error, 0, "invalid arguments");
        return 0;
    }
    const char *dev = (*env)->GetStringUTFChars(env, device, NULL);
    if (dev == NULL) {
        return 0;
    }
    uint32_t flags = FNM_PF_RING_DO_NOT_PARSE | (promisc ? FNM_PF_RING_PROMISC : 0);
    errno = 0;
    void *ring = lib->open(dev, (uint32_t) caplen, flags);
    if (ring == NULL) {
        int e = errno;
        const char *hint = "";
        if (e == EAFNOSUPPORT || e == EPROTONOSUPPORT) {
            hint = " (is the pf_ring kernel module loaded? modprobe pf_ring)";
        } else if (e == EPERM || e == EACCES) {
            hint = " (run as root or with CAP_NET_ADMIN and CAP_NET_RAW)";
        } else if (e == ENODEV || e == ENXIO) {
            hint = " (no such interface)";
        }
        set_string(env, error, 0, "pfring_open(%s) failed: %s%s", dev, e ? strerror(e) : "unknown error", hint);
        (*env)->ReleaseStringUTFChars(env, device, dev);
        return 0;
    }
    if (lib->set_application_name != NULL) {
        lib->set_application_name(ring, (char *) "fastnetmon");
    }
    if (lib->set_socket_mode != NULL) {
        lib->set_socket_mode(ring, FNM_RECV_ONLY_MODE);
    }
    int rc = lib->enable_ring(ring);
    if (rc != 0) {
        set_string(env, error, 0, "pfring_enable_ring(%s) failed with %d", dev, rc);
        lib->close(ring);
        (*env)->ReleaseStringUTFChars(env, device, dev);
        return 0;
    }
    (*env)->ReleaseStringUTFChars(env, device, dev);
    fnm_ring *r = calloc(1, sizeof *r);
    if (r == NULL) {
        lib->close(ring);
        set_string(env, error, 0, "out of memory");
        return 0;
    }
    r->lib = lib;
    r->ring = ring;
    r->caplen = (uint32_t) caplen;
    return (jlong) (intptr_t) r;
}

/*
 * Fills `buf` with up to maxPackets records. Returns as soon as at least one packet was copied and no
 * more are waiting (or the batch is full); with none waiting, waits up to waitMs for the first one.
 * Returns the number of records, or a negative pfring_recv error when nothing was received.
 */
JNIEXPORT jint JNICALL Java_fastnetmon_source_pfring_PfRingNative_recvBatch(JNIEnv *env, jclass cls, jlong handle,
                                                                           jobject buf, jint maxPackets,
                                                                           jint waitMs) {
    (void) cls;
    fnm_ring *r = (fnm_ring *) (intptr_t) handle;
    unsigned char *out = (unsigned char *) (*env)->GetDirectBufferAddress(env, buf);
    jlong cap = (*env)->GetDirectBufferCapacity(env, buf);
    if (r == NULL || out == NULL || cap <= 0) {
        return -1000;
    }
    /* A record never needs more than this, so a packet is only taken off the ring when it will fit. */
    const uint64_t worst = 16 + (((uint64_t) r->caplen + 7) & ~7ull);
    const fnm_lib *lib = r->lib;
    uint64_t off = 0, batch_clock = 0;
    jint n = 0;
    uint64_t deadline = 0;
    while (n < maxPackets && off + worst <= (uint64_t) cap) {
        unsigned char *pkt = NULL;
        int rc = lib->recv(r->ring, &pkt, 0, &r->h, 0);
        if (rc > 0 && pkt != NULL) {
            uint32_t caplen = r->h.hdr.caplen;
            if (caplen > r->caplen) {
                caplen = r->caplen;
            }
            uint64_t ts;
            if (r->h.hdr.ts.tv_sec != 0 || r->h.hdr.ts.tv_usec != 0) {
                ts = (uint64_t) r->h.hdr.ts.tv_sec * 1000000000ull + (uint64_t) r->h.hdr.ts.tv_usec * 1000ull;
            } else {
                /* zero-copy modes leave the timestamp out unless asked for */
                if (batch_clock == 0) {
                    batch_clock = now_realtime_ns();
                }
                ts = batch_clock;
            }
            unsigned char *rec = out + off;
            uint32_t wire = r->h.hdr.len;
            memcpy(rec, &ts, 8);
            memcpy(rec + 8, &caplen, 4);
            memcpy(rec + 12, &wire, 4);
            memcpy(rec + 16, pkt, caplen);
            uint32_t padded = (caplen + 7) & ~7u;
            memset(rec + 16 + caplen, 0, padded - caplen);
            off += 16 + padded;
            n++;
            continue;
        }
        if (rc < 0 && rc != FNM_PF_RING_ERROR_NO_PKT_AVAILABLE) {
            return n > 0 ? n : (rc < -999 ? -999 : rc);
        }
        /* nothing waiting */
        if (n > 0 || waitMs <= 0 || r->stop) {
            break;
        }
        uint64_t now = now_monotonic_ns();
        if (deadline == 0) {
            deadline = now + (uint64_t) waitMs * 1000000ull;
        }
        if (now >= deadline) {
            break;
        }
        uint64_t left = deadline - now;
        if (lib->poll != NULL) {
            unsigned int ms = (unsigned int) (left / 1000000ull);
            if (ms > 50) {
                ms = 50; /* so that breakloop() is noticed soon */
            }
            if (ms == 0) {
                ms = 1;
            }
            int prc = lib->poll(r->ring, ms);
            if (prc > 0) {
                continue;
            }
            if (now_monotonic_ns() - now >= 500000ull) {
                continue; /* it did wait */
            }
        }
        sleep_ns(left < 200000ull ? left : 200000ull);
    }
    return n;
}

/* out[0] = packets received, out[1] = packets dropped; returns pfring_stats' result. */
JNIEXPORT jint JNICALL Java_fastnetmon_source_pfring_PfRingNative_stats(JNIEnv *env, jclass cls, jlong handle,
                                                                       jlongArray out) {
    (void) cls;
    fnm_ring *r = (fnm_ring *) (intptr_t) handle;
    if (r == NULL) {
        return -1;
    }
    struct fnm_stat s;
    memset(&s, 0, sizeof s);
    int rc = r->lib->stats(r->ring, &s);
    if (rc == 0) {
        jlong v[2] = {(jlong) s.recv, (jlong) s.drop};
        (*env)->SetLongArrayRegion(env, out, 0, 2, v);
    }
    return rc;
}

/* Makes a recvBatch() in progress on another thread return soon. */
JNIEXPORT void JNICALL Java_fastnetmon_source_pfring_PfRingNative_breakloop(JNIEnv *env, jclass cls, jlong handle) {
    (void) env;
    (void) cls;
    fnm_ring *r = (fnm_ring *) (intptr_t) handle;
    if (r != NULL) {
        __atomic_store_n(&r->stop, 1, __ATOMIC_RELEASE);
        r->lib->breakloop(r->ring);
    }
}

JNIEXPORT void JNICALL Java_fastnetmon_source_pfring_PfRingNative_close(JNIEnv *env, jclass cls, jlong handle) {
    (void) env;
    (void) cls;
    fnm_ring *r = (fnm_ring *) (intptr_t) handle;
    if (r != NULL) {
        r->lib->close(r->ring);
        free(r);
    }
}
