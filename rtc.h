/*
 * Goldfish RTC, as on QEMU virt: the host's wall-clock time in
 * nanoseconds since 1970, and one alarm that raises an interrupt.
 *   0x00 TIME_LOW         read: latches the time, gives its low half;
 *                         write: sets the time to TIME_HIGH's value:low
 *   0x04 TIME_HIGH        read: the latched high half; write: held for TIME_LOW
 *   0x08 ALARM_LOW        write: arms the alarm at ALARM_HIGH's value:low
 *   0x0c ALARM_HIGH       write: held for ALARM_LOW
 *   0x10 IRQ_ENABLED      bit 0: the alarm may raise the interrupt
 *   0x14 CLEAR_ALARM      write: disarms the alarm
 *   0x18 ALARM_STATUS     read: 1 while the alarm is armed
 *   0x1c CLEAR_INTERRUPT  write: drops the interrupt
 * The guest's setting is an offset from the host's clock; like a battery
 * backed clock, it survives a machine reset.
 */
#pragma once

#include "device.h"

#define RTC_WIDTHS WIDTH_4

struct rtc;

struct rtc *rtc_new(struct irq_line irq);
void rtc_free(struct rtc *rtc);
/* Disarms the alarm and drops the interrupt; the time offset stays. */
void rtc_reset(struct rtc *rtc);

/* Fires the alarm if its time has come; call it often. */
void rtc_update(struct rtc *rtc);
/* Host ns until the armed alarm fires: 0 if due, UINT64_MAX if none. */
uint64_t rtc_ns_to_alarm(struct rtc *rtc);

bool rtc_read(void *rtc, uint64_t offset, unsigned bytes, uint64_t *value);
bool rtc_write(void *rtc, uint64_t offset, unsigned bytes, uint64_t value);
