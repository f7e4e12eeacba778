/*
 * The share thread: one host thread that runs the FUSE server for every
 * share given to it, so that the guest runs on while the host does a
 * request's syscalls (on a host with a second CPU for it).
 *
 * The main thread takes each chain off its queue and hands it over
 * (share_thread_submit); the thread serves the chains one at a time, in
 * that order; the main thread puts them in their used rings, in the same
 * order, when it polls (share_thread_poll). The FUSE server's state is
 * only ever touched by the thread; guest RAM stays mapped while chains are
 * in flight (the machine drains before a reboot drops it); and the server
 * copies every argument it checks before checking it, so a guest writing
 * its request meanwhile only changes the bytes that get written.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "virtqueue.h"

struct fuse_server;
struct share_thread;

/*
 * Serve one chain with `server`, on the thread or inline, and add the host
 * time it took to *serve_ns: returns the reply's length, for vq_push().
 */
uint32_t share_serve(struct fuse_server *server, const struct vq_chain *c,
                     uint64_t *serve_ns);

/* NULL when the thread cannot start; the shares are then served inline. */
struct share_thread *share_thread_new(void);
/* Drains, stops and joins the thread. NULL is fine. */
void share_thread_free(struct share_thread *t);

/*
 * Room for the next chain: vq_pop() into it, then share_thread_submit().
 * When every slot is in flight this first waits for the oldest.
 */
struct vq_chain *share_thread_slot(struct share_thread *t);
/* Serve the chain in the slot with `server`; its reply goes back to vq,
 * and the host time it took is added to *serve_ns. */
void share_thread_submit(struct share_thread *t, struct fuse_server *server,
                         struct virtqueue *vq, uint64_t *serve_ns);

/* Push what was served into the used rings; returns the chains in flight. */
unsigned share_thread_poll(struct share_thread *t);
/* Wait until nothing is in flight, then poll. NULL is fine. */
void share_thread_drain(struct share_thread *t);
/*
 * The main thread is about to sleep until a timer or input: spin briefly
 * for a completion first. Returns true when one came (poll, do not sleep);
 * else the fd (an eventfd) becomes readable at the next completion, and
 * share_thread_woken() must follow the sleep (or the decision not to).
 */
bool share_thread_wait(struct share_thread *t);
int share_thread_fd(const struct share_thread *t);
void share_thread_woken(struct share_thread *t);
