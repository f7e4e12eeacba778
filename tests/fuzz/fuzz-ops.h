/*
 * The fuzz input language, shared by the fuzz target (which interprets
 * it) and the seed corpus generator (which writes it).
 *
 * An input is a sequence of operations, each an opcode byte (taken modulo
 * FOP_COUNT) followed by its little-endian operands. Running out of bytes
 * ends the input. Guest addresses are offsets from the start of guest RAM
 * unless the operand says otherwise, so most inputs stay meaningful.
 */
#pragma once

enum fuzz_op {
    /* u8 flags (FOPT_*), u8 log2 of queue size: full Linux-like setup. */
    FOP_START,
    /* u16 register offset, u8 width code (1 << (code & 3)), u32 value. */
    FOP_MMIO_WRITE,
    /* u16 register offset, u8 width code. */
    FOP_MMIO_READ,
    /* u32 RAM offset, u8 length, bytes: poke guest RAM. */
    FOP_RAM_WRITE,
    /* u8 queue, u16 index, u32 addr, u32 len, u16 flags, u16 next:
     * a raw descriptor; addr is a RAM offset, or absolute with FOPT_RAW
     * in the top bit of the queue byte. */
    FOP_DESC,
    /* u8 queue, u16 head: add head to the avail ring. */
    FOP_PUBLISH,
    /* u8 queue, u16 idx: overwrite the avail idx. */
    FOP_AVAIL_IDX,
    /* u32 queue index for QueueNotify. */
    FOP_NOTIFY,
    /*
     * u8 queue (top bit: indirect), u8 readable pieces, u8 writable pieces,
     * u16 reply bytes, u16 request length, request bytes: a well-formed
     * chain carrying the request, published and notified; the used length
     * is checked against the reply space.
     */
    FOP_REQUEST,
    /* Read and acknowledge InterruptStatus. */
    FOP_ACK,
    FOP_COUNT
};

enum {
    FOPT_INDIRECT = 1 << 0,  /* FOP_START: accept INDIRECT_DESC */
    FOPT_EVENT_IDX = 1 << 1, /* FOP_START: accept EVENT_IDX */
    FOPT_RAW = 0x80,         /* FOP_DESC: absolute address */
    FOPT_VIA_INDIRECT = 0x80 /* FOP_REQUEST: one indirect descriptor */
};

#define FUZZ_RAM_SIZE    (1u << 20)
#define FUZZ_DATA_OFFSET (128u << 10) /* requests live above the rings */
