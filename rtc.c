/* The Goldfish RTC (see rtc.h) on the host's CLOCK_REALTIME. */
#include <stdlib.h>
#include <time.h>

#include "rtc.h"

enum {
    RTC_TIME_LOW = 0x00,
    RTC_TIME_HIGH = 0x04,
    RTC_ALARM_LOW = 0x08,
    RTC_ALARM_HIGH = 0x0c,
    RTC_IRQ_ENABLED = 0x10,
    RTC_CLEAR_ALARM = 0x14,
    RTC_ALARM_STATUS = 0x18,
    RTC_CLEAR_INTERRUPT = 0x1c,
};

struct rtc {
    struct irq_line irq;
    /* Guest time = host realtime + offset (mod 2^64), in nanoseconds. */
    uint64_t offset;
    uint32_t time_high_read;  /* latched by a TIME_LOW read */
    uint32_t time_high_write; /* waits for the TIME_LOW write */
    uint64_t alarm;           /* guest time; ALARM_HIGH fills bits 32-63 */
    bool alarm_armed;
    bool irq_enabled;
    bool irq_pending;
    bool irq_level; /* what the wire carries now */
};

static uint64_t host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t guest_ns(const struct rtc *rtc)
{
    return host_ns() + rtc->offset;
}

static void update_irq(struct rtc *rtc)
{
    bool level = rtc->irq_enabled && rtc->irq_pending;
    if (level != rtc->irq_level) {
        rtc->irq_level = level;
        irq_set(&rtc->irq, level);
    }
}

void rtc_update(struct rtc *rtc)
{
    if (rtc->alarm_armed && guest_ns(rtc) >= rtc->alarm) {
        rtc->alarm_armed = false;
        rtc->irq_pending = true;
    }
    update_irq(rtc);
}

uint64_t rtc_ns_to_alarm(struct rtc *rtc)
{
    if (!rtc->alarm_armed)
        return UINT64_MAX;
    uint64_t now = guest_ns(rtc);
    return rtc->alarm > now ? rtc->alarm - now : 0;
}

void rtc_reset(struct rtc *rtc)
{
    rtc->time_high_read = rtc->time_high_write = 0;
    rtc->alarm = 0;
    rtc->alarm_armed = rtc->irq_enabled = rtc->irq_pending = false;
    update_irq(rtc);
}

struct rtc *rtc_new(struct irq_line irq)
{
    struct rtc *rtc = calloc(1, sizeof(*rtc));
    if (rtc)
        rtc->irq = irq;
    return rtc;
}

void rtc_free(struct rtc *rtc)
{
    free(rtc);
}

bool rtc_read(void *opaque, uint64_t offset, unsigned bytes, uint64_t *value)
{
    struct rtc *rtc = opaque;
    (void)bytes;
    switch (offset) {
    case RTC_TIME_LOW: {
        uint64_t now = guest_ns(rtc);
        rtc->time_high_read = now >> 32;
        *value = (uint32_t)now;
        break;
    }
    case RTC_TIME_HIGH:
        *value = rtc->time_high_read;
        break;
    case RTC_ALARM_LOW:
        *value = (uint32_t)rtc->alarm;
        break;
    case RTC_ALARM_HIGH:
        *value = rtc->alarm >> 32;
        break;
    case RTC_IRQ_ENABLED:
        *value = rtc->irq_enabled;
        break;
    case RTC_ALARM_STATUS:
        *value = rtc->alarm_armed;
        break;
    default:
        *value = 0; /* write-only and unused registers read as 0 */
        break;
    }
    return true;
}

bool rtc_write(void *opaque, uint64_t offset, unsigned bytes, uint64_t value)
{
    struct rtc *rtc = opaque;
    (void)bytes;
    uint32_t v = (uint32_t)value;
    switch (offset) {
    case RTC_TIME_LOW:
        rtc->offset = (((uint64_t)rtc->time_high_write << 32) | v) - host_ns();
        break;
    case RTC_TIME_HIGH:
        rtc->time_high_write = v;
        break;
    case RTC_ALARM_LOW:
        rtc->alarm = (rtc->alarm & ~0xffffffffull) | v;
        rtc->alarm_armed = true;
        break;
    case RTC_ALARM_HIGH:
        rtc->alarm = (rtc->alarm & 0xffffffffull) | ((uint64_t)v << 32);
        break;
    case RTC_IRQ_ENABLED:
        rtc->irq_enabled = v & 1;
        break;
    case RTC_CLEAR_ALARM:
        rtc->alarm_armed = false;
        break;
    case RTC_CLEAR_INTERRUPT:
        rtc->irq_pending = false;
        break;
    default:
        break; /* read-only and unused registers ignore writes */
    }
    rtc_update(rtc);
    return true;
}
