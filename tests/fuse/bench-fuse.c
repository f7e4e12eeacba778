/*
 * Host-side cost of the two requests a guest sends most: LOOKUP and
 * GETATTR, each straight through fuse_server_handle on prebuilt requests
 * (no guest, no virtqueue). Target: under 5 microseconds each.
 */
#define _GNU_SOURCE
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

int main(void)
{
    struct ft t;
    uint8_t req[256], reply[1024];
    struct fuse_in_header *in = (void *)req;
    ft_setup(&t, NULL);
    ft_host_write(&t, "some-file.txt", "bench\n");
    struct fuse_entry_out e;
    if (ft_lookup(&t, FUSE_ROOT_ID, "some-file.txt", &e) != 0)
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
    ft_forget(&t, e.nodeid, ROUNDS + 1001);

    struct fuse_getattr_in ga = {0};
    *in = (struct fuse_in_header){.len = sizeof(*in) + sizeof(ga),
                                  .opcode = FUSE_GETATTR,
                                  .unique = 4,
                                  .nodeid = FUSE_ROOT_ID};
    memcpy(req + sizeof(*in), &ga, sizeof(ga));
    double getattr =
        time_request(t.srv, req, in->len, reply, sizeof(reply), ROUNDS);
    ft_teardown(&t);
    if (lookup < 0 || getattr < 0)
        return 1;
    printf("bench-fuse: LOOKUP  %.2f us/request (%d requests)\n", lookup,
           ROUNDS);
    printf("bench-fuse: GETATTR %.2f us/request (%d requests)\n", getattr,
           ROUNDS);
    printf("bench-fuse: target under 5 us each: %s\n",
           lookup < 5 && getattr < 5 ? "met" : "NOT met");
    return 0;
}
