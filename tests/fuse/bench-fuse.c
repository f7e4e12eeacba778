/*
 * Host-side cost of the two requests a guest sends most: LOOKUP and
 * GETATTR, each straight through fuse_server_handle on prebuilt requests
 * (no guest, no virtqueue), on a passthrough and on a mapped share.
 * Target: under 5 microseconds each.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "harness.h"

#define ROUNDS 200000

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Microseconds per request for `rounds` sends of one prebuilt request. */
static double time_request(struct fuse_server *srv, void *req, size_t req_len,
                           void *reply, size_t reply_len, unsigned rounds)
{
    struct iovec in = {req, req_len}, out = {reply, reply_len};
    struct fuse_out_header *oh = reply;
    double start = now();
    for (unsigned i = 0; i < rounds; i++) {
        if (fuse_server_handle(srv, &in, 1, &out, 1) == 0 || oh->error) {
            fprintf(stderr, "bench: request failed (%d)\n", oh->error);
            return -1;
        }
    }
    return (now() - start) * 1e6 / rounds;
}

/* LOOKUP and GETATTR of a file the guest made, on a share in one mode. */
static int bench(const struct fs_share_options *opts, const char *mode)
{
    struct ft t;
    uint8_t req[256], reply[1024];
    struct fuse_in_header *in = (void *)req;
    struct fuse_entry_out e;
    uint64_t fh;

    ft_setup(&t, opts);
    if (ft_create(&t, FUSE_ROOT_ID, "some-file.txt", O_RDWR, 0644, &e, &fh) ||
        ft_release(&t, e.nodeid, fh))
        return 1;
    const char name[] = "some-file.txt";
    *in = (struct fuse_in_header){.len = sizeof(*in) + sizeof(name),
                                  .opcode = FUSE_LOOKUP,
                                  .unique = 2,
                                  .nodeid = FUSE_ROOT_ID};
    memcpy(req + sizeof(*in), name, sizeof(name));
    time_request(t.srv, req, in->len, reply, sizeof(reply), 1000); /* warm */
    double lookup =
        time_request(t.srv, req, in->len, reply, sizeof(reply), ROUNDS);
    struct fuse_getattr_in ga = {0};
    *in = (struct fuse_in_header){.len = sizeof(*in) + sizeof(ga),
                                  .opcode = FUSE_GETATTR,
                                  .unique = 4,
                                  .nodeid = e.nodeid};
    memcpy(req + sizeof(*in), &ga, sizeof(ga));
    double getattr =
        time_request(t.srv, req, in->len, reply, sizeof(reply), ROUNDS);
    ft_forget(&t, e.nodeid, ROUNDS + 1001);
    ft_teardown(&t);
    if (lookup < 0 || getattr < 0)
        return 1;
    printf("bench-fuse: %-11s LOOKUP  %.2f us/request (%d requests)\n", mode,
           lookup, ROUNDS);
    printf("bench-fuse: %-11s GETATTR %.2f us/request (%d requests)\n", mode,
           getattr, ROUNDS);
    printf("bench-fuse: %-11s target under 5 us each: %s\n", mode,
           lookup < 5 && getattr < 5 ? "met" : "NOT met");
    return 0;
}

int main(void)
{
    const struct fs_share_options mapped = {.security = FS_SECURITY_MAPPED};
    return bench(NULL, "passthrough") || bench(&mapped, "mapped");
}
