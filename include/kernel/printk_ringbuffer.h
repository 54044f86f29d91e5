/*
 * The kernel log buffer (Linux: kernel/printk/printk_ringbuffer.c, the
 * buffer behind dmesg and /dev/kmsg).
 *
 * A byte ring of variable-length records: header {seq, ts_nsec, level,
 * flags, text_len} followed by the text, each record 8-byte aligned and
 * never split across the end of the buffer (the unused end is covered by
 * a padding record).  Positions are logical, ever-increasing byte counts
 * (lpos); the physical offset is lpos % size.
 *
 * Invariants: tail_lpos <= head_lpos <= tail_lpos + size; the records in
 * [tail_lpos, head_lpos) carry consecutive seq numbers first_seq ..
 * next_seq-1; appending drops the oldest records until the new one fits.
 * Not locked: printk serialises writers, readers hold the same lock.
 * Portable: the same source is built into the host unit tests.
 */
#pragma once
#include <cstddef>
#include <cstdint>

namespace kmsg
{

struct record {
	uint64_t seq;
	uint64_t ts_nsec;
	uint8_t level;
	uint8_t flags; /* LOG_CONT: continues the previous record's line */
	const char* text;
	uint16_t text_len;
};

inline constexpr uint8_t LOG_CONT = 1;
inline constexpr uint8_t LOG_NEWLINE = 2; /* the line ends after this text */
/* flags' bits 3-7: the syslog facility (0 kernel, 1 user: /dev/kmsg writes) */
inline constexpr int FACILITY_SHIFT = 3;

class ringbuffer
{
public:
	/* buf must be 8-byte aligned, size a multiple of 8 and >= 256 */
	constexpr ringbuffer(char* buf, size_t size) : buf_(buf), size_(size) {}

	/* text longer than max_text() is truncated */
	void append(uint8_t level, uint8_t flags, uint64_t ts_nsec, const char* text, size_t len);

	/* The record with the lowest seq >= *seq still in the buffer; on
	 * success *seq is set past it.  The text points into the buffer and
	 * is valid until the next append.  Scans from the oldest record. */
	bool read_next(uint64_t* seq, record* out) const;

	/* Sequential reading in O(1) per record: the cursor remembers where
	 * the last record ended, and starts over from the oldest one if that
	 * place has been overwritten meanwhile (records are never repeated:
	 * the seq check skips what was already read). */
	struct cursor {
		uint64_t seq = 0;
		uint64_t lpos = 0;
	};
	bool read_next(cursor* c, record* out) const;

	uint64_t first_seq() const { return first_seq_; }
	uint64_t next_seq() const { return next_seq_; }
	size_t max_text() const { return size_ / 4; }

private:
	/* text_len leads so that an 8-byte padding marker fits any gap */
	struct header {
		uint16_t text_len; /* PAD_LEN marks padding up to the end */
		uint8_t level;
		uint8_t flags;
		uint32_t reserved;
		uint64_t seq;
		uint64_t ts_nsec;
	};
	static constexpr uint16_t PAD_LEN = 0xffff;
	static size_t record_size(size_t text_len) { return (sizeof(header) + text_len + 7) & ~size_t(7); }
	size_t span_at(uint64_t lpos) const; /* bytes the record (or padding) at lpos occupies */
	void drop_oldest();

	char* buf_;
	size_t size_;
	uint64_t head_lpos_ = 0;
	uint64_t tail_lpos_ = 0;
	uint64_t first_seq_ = 0;
	uint64_t next_seq_ = 0;
};

} // namespace kmsg
