/*
 * flow-blast: the flow benchmark's exporter. Sends the pre-built datagrams of a corpus written by
 * fastnetmon.bench.FlowSender (src/test) to 127.0.0.1:PORT at RECORDS_PER_S for SECONDS, with
 * sendmmsg(2) batches from one connected UDP socket per exporter (bound to 127.0.0.1, .2, ..., so
 * SO_REUSEPORT spreads the exporters over the collector's sockets). Per datagram only its sequence number
 * (and, for NetFlow v9, the export time once a second) is written. One thread; built by bench/flow-bench
 * with `gcc -O2`.
 *
 *   flow-blast CORPUS PORT RECORDS_PER_S SECONDS
 *
 * Prints "sent D datagrams, R records in S s (X records/s), cpu U user S sys".
 * Corpus (big-endian int32s): exporters, datagrams per exporter, records per datagram, offset of the
 * sequence number, offset of the unix seconds (-1: none), sequence step per datagram (1, or the records
 * of a datagram for protocols that count records); then per exporter, per datagram: length, bytes.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_EXPORTERS 64
#define MAX_DATAGRAMS 4096
#define BURST 32 /* datagrams per exporter per sendmmsg */

static uint32_t read_u32(FILE *f) {
    uint32_t v;
    if (fread(&v, 4, 1, f) != 1) {
        fprintf(stderr, "flow-blast: corpus ends early\n");
        exit(1);
    }
    return ntohl(v);
}

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: flow-blast CORPUS PORT RECORDS_PER_S SECONDS\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror("flow-blast: corpus");
        return 1;
    }
    int port = atoi(argv[2]);
    double rate = atof(argv[3]), seconds = atof(argv[4]);
    uint32_t exporters = read_u32(f), per = read_u32(f), records = read_u32(f);
    int32_t seq_off = (int32_t) read_u32(f), time_off = (int32_t) read_u32(f);
    uint32_t seq_step = read_u32(f);
    if (exporters < 1 || exporters > MAX_EXPORTERS || per < 1 || per > MAX_DATAGRAMS || records < 1) {
        fprintf(stderr, "flow-blast: corpus header out of range\n");
        return 1;
    }
    uint8_t ***dg = calloc(exporters, sizeof *dg);
    uint32_t **len = calloc(exporters, sizeof *len);
    int fd[MAX_EXPORTERS];
    for (uint32_t e = 0; e < exporters; e++) {
        dg[e] = calloc(per, sizeof **dg);
        len[e] = calloc(per, sizeof **len);
        for (uint32_t i = 0; i < per; i++) {
            len[e][i] = read_u32(f);
            if (len[e][i] < 24 || len[e][i] > 65507) {
                fprintf(stderr, "flow-blast: datagram length %u out of range\n", len[e][i]);
                return 1;
            }
            dg[e][i] = malloc(len[e][i]);
            if (fread(dg[e][i], 1, len[e][i], f) != len[e][i]) {
                fprintf(stderr, "flow-blast: corpus ends early\n");
                return 1;
            }
        }
        struct sockaddr_in src = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001 + e)};
        struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(0x7f000001)};
        fd[e] = socket(AF_INET, SOCK_DGRAM, 0);
        int sndbuf = 4 << 20;
        setsockopt(fd[e], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
        if (fd[e] < 0 || bind(fd[e], (struct sockaddr *) &src, sizeof src) || connect(fd[e], (struct sockaddr *) &dst, sizeof dst)) {
            perror("flow-blast: socket");
            return 1;
        }
    }
    fclose(f);

    struct mmsghdr msgs[BURST];
    struct iovec iov[BURST];
    memset(msgs, 0, sizeof msgs);
    uint32_t seq[MAX_EXPORTERS] = {0}, next[MAX_EXPORTERS] = {0};
    double per_second = rate / records;
    double start = now_s();
    unsigned long long sent = 0, failed = 0;
    time_t last_unix = 0;
    uint32_t e = 0;
    for (;;) {
        double t = now_s() - start;
        if (t >= seconds) {
            break;
        }
        unsigned long long due = (unsigned long long) (t * per_second);
        if (sent >= due) {
            struct timespec nap = {0, 20000};
            nanosleep(&nap, NULL);
            continue;
        }
        time_t unix_now = time(NULL);
        if (time_off >= 0 && unix_now != last_unix) {
            last_unix = unix_now;
            for (uint32_t x = 0; x < exporters; x++) {
                for (uint32_t i = 0; i < per; i++) {
                    *(uint32_t *) (dg[x][i] + time_off) = htonl((uint32_t) unix_now);
                }
            }
        }
        unsigned long long want = due - sent;
        int k = want < BURST ? (int) want : BURST;
        for (int m = 0; m < k; m++) {
            uint8_t *d = dg[e][next[e]];
            *(uint32_t *) (d + seq_off) = htonl(seq[e]);
            seq[e] += seq_step;
            iov[m].iov_base = d;
            iov[m].iov_len = len[e][next[e]];
            msgs[m].msg_hdr.msg_iov = &iov[m];
            msgs[m].msg_hdr.msg_iovlen = 1;
            next[e] = (next[e] + 1) % per;
        }
        int n = sendmmsg(fd[e], msgs, k, 0);
        if (n < 0) {
            if (errno != EAGAIN && errno != ENOBUFS && errno != ECONNREFUSED && errno != EINTR) {
                perror("flow-blast: sendmmsg");
                return 1;
            }
            n = 0;
        }
        sent += n;
        failed += k - n;
        e = (e + 1) % exporters;
    }
    double secs = now_s() - start;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("sent %llu datagrams, %llu records in %.2f s (%.0f records/s), cpu %.2f user %.2f sys, %llu not sent\n",
           sent, sent * records, secs, sent * records / secs, ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
           ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6, failed);
    return 0;
}
