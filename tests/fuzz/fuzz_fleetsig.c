/* libFuzzer target: what a fleet command's sender controls (ops/fleetsig.h). The first byte
 * chooses: the message as received on a command topic (signature line, hex fields,
 * timestamp, the command after it), or a public key file. The verifier holds one key whose
 * secret is fixed here, so inputs derived from the seed corpus reach the signature check. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "ops/fleetsig.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The public key of the seed 00 01 02 ... 1f, name "fuzz". */
static int key_file(char *path, size_t n)
{
    static int fd = -1;
    if (fd < 0) {
        fd = memfd_create("fuzz-keys", 0);
        const char *k = "fuzz 03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8\n";
        if (fd < 0 || write(fd, k, strlen(k)) < 0 || fchmod(fd, 0644))
            return -1;
    }
    snprintf(path, n, "/proc/self/fd/%d", fd);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int once;
    if (!once) {
        kz_log_set_level(-1);
        once = 1;
    }
    if (size < 1 || size > 20000)
        return 0;
    kz_sig_verifier v;
    char why[300], path[64];
    if (kz_sig_init(&v, 300, 1700000000000))
        return 0;
    if (data[0] % 2 == 0) {
        if (key_file(path, sizeof path) == 0 &&
            kz_sig_load_keys(&v, path, why, sizeof why) == 0) {
            const char *body = NULL;
            char who[KZ_SIG_NAME_MAX];
            /* not NUL-terminated: the verifier must stay inside len */
            char *msg = malloc(size - 1 ? size - 1 : 1);
            if (msg) {
                memcpy(msg, data + 1, size - 1);
                if (kz_sig_verify(&v, "kizuna/fuzz/cmd", msg, size - 1, 1700000001000, &body,
                                  who, sizeof who, why, sizeof why) == 0 &&
                    (body < msg || body > msg + (size - 1)))
                    abort();
                free(msg);
            }
        }
    } else {
        int fd = memfd_create("fuzz-keyfile", 0);
        if (fd >= 0) {
            if (write(fd, data + 1, size - 1) == (ssize_t)(size - 1) && !fchmod(fd, 0644)) {
                snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
                kz_sig_load_keys(&v, path, why, sizeof why);
            }
            close(fd);
        }
    }
    kz_sig_free(&v);
    return 0;
}
