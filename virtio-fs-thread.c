/*
 * The share thread (virtio-fs-thread.h). Three free-running counts order
 * everything: `submitted` (main thread), `done` (share thread) and
 * `pushed` (main thread); a chain's slot is reused only once pushed.
 * Either side spins a little for the other before it sleeps, since a
 * request's syscalls take microseconds and a wake-up costs a syscall: the
 * share thread on a futex, the main thread in its idle ppoll on an
 * eventfd. Each side says it sleeps before it looks once more, and the
 * other looks at that after it publishes, so no wake-up is lost.
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fuse.h"
#include "virtio-fs-thread.h"

/* Chains in flight at most: both queues of a share, full. */
#define SHARE_JOBS 512
/* How long the share thread waits for work, and the main thread for a
 * completion, spinning before it sleeps. */
#define THREAD_SPIN_NS 200000
#define MAIN_SPIN_NS   50000

struct share_job {
    struct vq_chain chain;
    struct fuse_server *server;
    struct virtqueue *vq;
    uint64_t *serve_ns;
    uint32_t len; /* the reply's length */
    uint64_t ns;  /* host time it took */
};

struct share_thread {
    pthread_t thread;
    int event_fd;
    struct share_job *jobs;
    uint32_t submitted, done, pushed;
    uint32_t wake_seq;      /* the share thread's futex word */
    uint32_t thread_sleeps; /* set while the share thread may sleep */
    uint32_t main_sleeps;   /* set while the main thread may sleep */
    uint32_t stop;
};

static void relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

static uint32_t load(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static void store(uint32_t *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void futex(uint32_t *word, int op, uint32_t value)
{
    syscall(SYS_futex, word, op, value, NULL, NULL, 0);
}

/* Wake the share thread if it may sleep: after submitted or stop moved. */
static void wake_thread(struct share_thread *t)
{
    if (load(&t->thread_sleeps)) {
        __atomic_add_fetch(&t->wake_seq, 1, __ATOMIC_SEQ_CST);
        futex(&t->wake_seq, FUTEX_WAKE_PRIVATE, 1);
    }
}

/* Until chain `next` is submitted (true) or the thread is to stop. */
static bool wait_for_work(struct share_thread *t, uint32_t next)
{
    uint64_t since = now_ns();
    for (unsigned n = 1;; n++) {
        if (load(&t->submitted) != next)
            return true;
        if (load(&t->stop))
            return false;
        if (n % 256 || now_ns() - since < THREAD_SPIN_NS) {
            relax();
            continue;
        }
        uint32_t seq = load(&t->wake_seq);
        store(&t->thread_sleeps, 1);
        if (load(&t->submitted) == next && !load(&t->stop))
            futex(&t->wake_seq, FUTEX_WAIT_PRIVATE, seq);
        store(&t->thread_sleeps, 0);
        since = now_ns();
    }
}

uint32_t share_serve(struct fuse_server *server, const struct vq_chain *c,
                     uint64_t *serve_ns)
{
    uint64_t start = now_ns();
    size_t len = fuse_server_handle(server, c->iov, c->readable,
                                    c->iov + c->readable, c->writable);
    *serve_ns += now_ns() - start;
    return len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
}

static void *serve(void *arg)
{
    struct share_thread *t = arg;
    for (uint32_t next = 0; wait_for_work(t, next); next++) {
        struct share_job *j = &t->jobs[next % SHARE_JOBS];
        j->ns = 0;
        j->len = share_serve(j->server, &j->chain, &j->ns);
        store(&t->done, next + 1);
        if (load(&t->main_sleeps)) {
            uint64_t one = 1; /* fails only with a full count: awake */
            ssize_t put = write(t->event_fd, &one, sizeof(one));
            (void)put;
        }
    }
    return NULL;
}

struct share_thread *share_thread_new(void)
{
    struct share_thread *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->jobs = calloc(SHARE_JOBS, sizeof(*t->jobs));
    t->event_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    /* Signals stay with the main thread: the thread blocks them all. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    bool started = t->jobs && t->event_fd >= 0 &&
                   pthread_create(&t->thread, NULL, serve, t) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!started) {
        if (t->event_fd >= 0)
            close(t->event_fd);
        free(t->jobs);
        free(t);
        return NULL;
    }
    return t;
}

void share_thread_free(struct share_thread *t)
{
    if (!t)
        return;
    share_thread_drain(t);
    store(&t->stop, 1);
    wake_thread(t);
    pthread_join(t->thread, NULL);
    close(t->event_fd);
    free(t->jobs);
    free(t);
}

unsigned share_thread_poll(struct share_thread *t)
{
    uint32_t done = load(&t->done);
    while (t->pushed != done) {
        struct share_job *j = &t->jobs[t->pushed % SHARE_JOBS];
        vq_push(j->vq, &j->chain, j->len);
        *j->serve_ns += j->ns;
        t->pushed++;
    }
    return load(&t->submitted) - t->pushed;
}

/* Until chain `n` (free running) is done: spin, then yield the CPU. */
static void wait_done(struct share_thread *t, uint32_t n)
{
    uint64_t since = now_ns();
    while ((int32_t)(load(&t->done) - n) < 0) {
        if (now_ns() - since < MAIN_SPIN_NS)
            relax();
        else
            sched_yield();
    }
}

struct vq_chain *share_thread_slot(struct share_thread *t)
{
    uint32_t submitted = load(&t->submitted);
    if (submitted - t->pushed >= SHARE_JOBS) {
        wait_done(t, t->pushed + 1);
        share_thread_poll(t);
    }
    return &t->jobs[submitted % SHARE_JOBS].chain;
}

void share_thread_submit(struct share_thread *t, struct fuse_server *server,
                         struct virtqueue *vq, uint64_t *serve_ns)
{
    uint32_t submitted = load(&t->submitted);
    struct share_job *j = &t->jobs[submitted % SHARE_JOBS];
    j->server = server;
    j->vq = vq;
    j->serve_ns = serve_ns;
    store(&t->submitted, submitted + 1);
    wake_thread(t);
}

void share_thread_drain(struct share_thread *t)
{
    if (!t)
        return;
    wait_done(t, load(&t->submitted));
    share_thread_poll(t);
}

bool share_thread_wait(struct share_thread *t)
{
    if (load(&t->submitted) == t->pushed)
        return false; /* nothing in flight: nothing will come */
    uint64_t since = now_ns();
    while (now_ns() - since < MAIN_SPIN_NS) {
        if (load(&t->done) != t->pushed)
            return true;
        for (int i = 0; i < 64; i++)
            relax();
    }
    store(&t->main_sleeps, 1);
    if (load(&t->done) != t->pushed) {
        store(&t->main_sleeps, 0);
        return true;
    }
    return false;
}

int share_thread_fd(const struct share_thread *t)
{
    return t->event_fd;
}

void share_thread_woken(struct share_thread *t)
{
    uint64_t count;
    store(&t->main_sleeps, 0);
    /* Clear what the thread signalled (EAGAIN: nothing). */
    ssize_t got = read(t->event_fd, &count, sizeof(count));
    (void)got;
}
