/*
 * A sampling profile of guest pcs: where the guest spends its
 * instructions. The machine samples the pc of each hart after each run
 * slice (HART_SLICE instructions, or fewer when the hart waits), so a
 * sample stands for about that many instructions. Slices end on jumps
 * and page changes, so samples land on branch targets: good for "which
 * function", not for "which instruction".
 */
#ifndef SEMU_PROFILE_H
#define SEMU_PROFILE_H

#include <stdbool.h>
#include <stdint.h>

struct pc_profile;

struct pc_profile *pc_profile_new(void);
void pc_profile_free(struct pc_profile *p);
void pc_profile_sample(struct pc_profile *p, uint64_t pc);
/* "PC COUNT" lines, hex pc, busiest first. false with errno set. */
bool pc_profile_write(const struct pc_profile *p, const char *path);

#endif
