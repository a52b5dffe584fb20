// The floor of a one-stream encrypted transfer over loopback TCP on this machine, without any framework:
// one sender thread and one receiver thread in one process (as in `shoal bench transport`), blocking sockets,
// no copies besides the kernel's (and moving the one partial frame per read to the front). Mode "tcp": plain bytes. Mode "aead": the sender seals 65,519-byte
// ChaCha20-Poly1305 frames (libsodium, the function Shoal uses) with a 2-byte length prefix, the receiver
// reassembles and opens them. Prints MB/s and user/system CPU per byte moved.
// Build: cc -O2 -o /tmp/loopback_floor scripts/loopback_floor.c -lsodium -lpthread (a measuring tool, not built by make)
// Run:   /tmp/loopback_floor tcp 2000000000; /tmp/loopback_floor aead 2000000000
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PLAIN 65519
#define FRAME (2 + PLAIN + 16)
#define BATCH 4

static int aead;
static long long total;
static unsigned char key[32];

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void nonce_of(unsigned long long n, unsigned char out[12]) {
    memset(out, 0, 12);
    memcpy(out + 4, &n, 8);
}

static void *receiver(void *arg) {
    int fd = *(int *)arg;
    size_t cap = 4 << 20;
    unsigned char *buf = malloc(cap), *plain = malloc(PLAIN);
    size_t have = 0;
    long long got = 0;
    unsigned long long n = 0;
    while (got < total) {
        ssize_t r = read(fd, buf + have, cap - have > 262144 ? 262144 : cap - have);
        if (r <= 0) { perror("read"); exit(1); }
        if (!aead) { got += r; continue; }
        have += r;
        size_t off = 0;
        while (have - off >= 2) {
            size_t len = (buf[off] << 8) | buf[off + 1];
            if (have - off < 2 + len) break;
            unsigned char nonce[12];
            nonce_of(n++, nonce);
            unsigned long long plen;
            if (crypto_aead_chacha20poly1305_ietf_decrypt(plain, &plen, NULL, buf + off + 2, len, NULL, 0, nonce, key)) {
                fprintf(stderr, "auth failed\n");
                exit(1);
            }
            got += plen;
            off += 2 + len;
        }
        memmove(buf, buf + off, have - off);  // at most one partial frame
        have -= off;
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: %s tcp|aead BYTES\n", argv[0]); return 2; }
    aead = strcmp(argv[1], "aead") == 0;
    total = atoll(argv[2]);
    if (sodium_init() < 0) return 1;
    randombytes_buf(key, sizeof key);
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    bind(ls, (struct sockaddr *)&a, sizeof a);
    listen(ls, 1);
    getsockname(ls, (struct sockaddr *)&a, &al);
    int c = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c, (struct sockaddr *)&a, sizeof a)) { perror("connect"); return 1; }
    int s = accept(ls, NULL, NULL);
    struct rusage r0, r1;
    getrusage(RUSAGE_SELF, &r0);
    double t0 = now();
    pthread_t th;
    pthread_create(&th, NULL, receiver, &s);
    unsigned char *plain = calloc(1, PLAIN), *out = malloc(FRAME * BATCH);
    long long sent = 0;
    unsigned long long n = 0;
    while (sent < total) {
        size_t len = 0;
        if (aead) {
            for (int i = 0; i < BATCH && sent < total; i++, sent += PLAIN) {
                unsigned char nonce[12];
                nonce_of(n++, nonce);
                unsigned char *f = out + len;
                f[0] = (PLAIN + 16) >> 8;
                f[1] = (PLAIN + 16) & 0xff;
                unsigned long long clen;
                crypto_aead_chacha20poly1305_ietf_encrypt(f + 2, &clen, plain, PLAIN, NULL, 0, NULL, nonce, key);
                len += FRAME;
            }
        } else {
            len = FRAME * BATCH;
            sent += PLAIN * BATCH;
        }
        for (size_t o = 0; o < len;) {
            ssize_t w = write(c, out + o, len - o);
            if (w <= 0) { perror("write"); return 1; }
            o += w;
        }
    }
    pthread_join(th, NULL);
    double wall = now() - t0;
    getrusage(RUSAGE_SELF, &r1);
    double user = (r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) + (r1.ru_utime.tv_usec - r0.ru_utime.tv_usec) / 1e6;
    double sys = (r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) + (r1.ru_stime.tv_usec - r0.ru_stime.tv_usec) / 1e6;
    double bytes = (double)sent;
    printf("%s: %.0f MB/s; per byte: user %.3f ns, system %.3f ns, CPU %.3f ns; wall %.3f ns\n", argv[1],
           bytes / wall / 1e6, user / bytes * 1e9, sys / bytes * 1e9, (user + sys) / bytes * 1e9, wall / bytes * 1e9);
    return 0;
}
