/* The finisher is stateless: it only files a power request. */
#include "finisher.h"

#define FINISHER_FAIL  0x3333
#define FINISHER_PASS  0x5555
#define FINISHER_RESET 0x7777

bool finisher_read(void *request, uint64_t offset, unsigned bytes,
                   uint64_t *value)
{
    (void)request;
    (void)offset;
    (void)bytes;
    *value = 0;
    return true;
}

bool finisher_write(void *opaque, uint64_t offset, unsigned bytes,
                    uint64_t value)
{
    struct power_request *request = opaque;
    (void)bytes;
    if (offset != 0)
        return true;
    switch (value & 0xffff) {
    case FINISHER_PASS:
        *request = (struct power_request){POWER_OFF, 0};
        break;
    case FINISHER_FAIL: {
        /* An exit status is 8 bits; a failure must never look like 0. */
        int status = (value >> 16) & 0xff;
        *request = (struct power_request){POWER_OFF, status ? status : 1};
        break;
    }
    case FINISHER_RESET:
        *request = (struct power_request){POWER_RESET, 0};
        break;
    default:
        break; /* unknown codes are ignored, as on QEMU */
    }
    return true;
}
