/*
 * The RTC alarm, seen from a guest program: armed 2 s ahead through
 * /dev/rtc0 (the RTC core hands it to the Goldfish driver's alarm
 * registers), it must wake a read() of /dev/rtc0 between 1 and 5 s later,
 * which only the device's interrupt does; afterwards it reads as disarmed.
 * Prints what it saw; exit status 0 when all of that held.
 */
#include <fcntl.h>
#include <linux/rtc.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int fail(const char *what)
{
    perror(what);
    return 1;
}

int main(void)
{
    int fd = open("/dev/rtc0", O_RDONLY);
    if (fd < 0)
        return fail("open /dev/rtc0");
    struct rtc_time tm;
    if (ioctl(fd, RTC_RD_TIME, &tm) != 0)
        return fail("RTC_RD_TIME");
    struct tm t = {
        .tm_sec = tm.tm_sec,
        .tm_min = tm.tm_min,
        .tm_hour = tm.tm_hour,
        .tm_mday = tm.tm_mday,
        .tm_mon = tm.tm_mon,
        .tm_year = tm.tm_year,
    };
    time_t when = timegm(&t) + 2;
    gmtime_r(&when, &t);
    struct rtc_wkalrm alarm = {.enabled = 1};
    alarm.time = (struct rtc_time){
        .tm_sec = t.tm_sec,
        .tm_min = t.tm_min,
        .tm_hour = t.tm_hour,
        .tm_mday = t.tm_mday,
        .tm_mon = t.tm_mon,
        .tm_year = t.tm_year,
    };
    double start = now();
    if (ioctl(fd, RTC_WKALM_SET, &alarm) != 0)
        return fail("RTC_WKALM_SET");
    struct rtc_wkalrm armed;
    if (ioctl(fd, RTC_WKALM_RD, &armed) != 0)
        return fail("RTC_WKALM_RD");
    if (!armed.enabled || armed.time.tm_sec != t.tm_sec) {
        printf("alarm reads back %s at second %d, want armed at %d\n",
               armed.enabled ? "armed" : "disarmed", armed.time.tm_sec,
               t.tm_sec);
        return 1;
    }

    struct pollfd p = {.fd = fd, .events = POLLIN};
    int ready = poll(&p, 1, 5000);
    double waited = now() - start;
    unsigned long data = 0;
    if (ready != 1 || read(fd, &data, sizeof(data)) != sizeof(data)) {
        printf("no alarm after %.1f s\n", waited);
        return 1;
    }
    if (!(data & RTC_AF) || waited < 1.0) {
        printf("wrong wake-up: data %#lx after %.1f s\n", data, waited);
        return 1;
    }
    if (ioctl(fd, RTC_WKALM_RD, &armed) != 0)
        return fail("RTC_WKALM_RD");
    if (armed.enabled) {
        printf("alarm still armed after firing\n");
        return 1;
    }
    printf("alarm fired after %.1f s\n", waited);
    return 0;
}
