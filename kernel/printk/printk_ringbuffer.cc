/*
 * Kernel log ring buffer; see <kernel/printk_ringbuffer.h> for the design
 * and invariants.
 */
#include <kernel/printk_ringbuffer.h>

namespace kmsg
{

namespace
{
void copy_bytes(char* dst, const void* src, size_t n)
{
	const char* s = static_cast<const char*>(src);
	for (size_t i = 0; i < n; i++)
		dst[i] = s[i];
}
} // namespace

size_t ringbuffer::span_at(uint64_t lpos) const
{
	size_t off = size_t(lpos % size_);
	uint16_t text_len;
	copy_bytes(reinterpret_cast<char*>(&text_len), buf_ + off, sizeof(text_len));
	if (text_len == PAD_LEN)
		return size_ - off;
	return record_size(text_len);
}

void ringbuffer::drop_oldest()
{
	size_t off = size_t(tail_lpos_ % size_);
	header h;
	copy_bytes(reinterpret_cast<char*>(&h), buf_ + off, sizeof(h.text_len));
	if (h.text_len != PAD_LEN) {
		copy_bytes(reinterpret_cast<char*>(&h), buf_ + off, sizeof(h));
		first_seq_ = h.seq + 1;
	}
	tail_lpos_ += span_at(tail_lpos_);
}

void ringbuffer::append(uint8_t level, uint8_t flags, uint64_t ts_nsec, const char* text, size_t len)
{
	if (len > max_text())
		len = max_text();
	size_t need = record_size(len);
	size_t off = size_t(head_lpos_ % size_);
	/* a record never wraps: pad to the end first if it would */
	size_t pad = (off + need > size_) ? size_ - off : 0;
	while (head_lpos_ - tail_lpos_ + pad + need > size_)
		drop_oldest();
	if (pad) {
		/* only the leading 8 bytes (text_len) mark padding */
		uint64_t marker = PAD_LEN;
		copy_bytes(buf_ + off, &marker, sizeof(marker));
		head_lpos_ += pad;
		off = 0;
	}
	header h{uint16_t(len), level, flags, 0, next_seq_, ts_nsec};
	copy_bytes(buf_ + off, &h, sizeof(h));
	copy_bytes(buf_ + off + sizeof(h), text, len);
	head_lpos_ += need;
	next_seq_++;
}

bool ringbuffer::read_next(cursor* c, record* out) const
{
	if (c->lpos < tail_lpos_)
		c->lpos = tail_lpos_;
	while (c->lpos < head_lpos_) {
		uint64_t lpos = c->lpos;
		size_t off = size_t(lpos % size_);
		c->lpos += span_at(lpos);
		header h;
		copy_bytes(reinterpret_cast<char*>(&h), buf_ + off, sizeof(h.text_len));
		if (h.text_len == PAD_LEN)
			continue;
		copy_bytes(reinterpret_cast<char*>(&h), buf_ + off, sizeof(h));
		if (h.seq < c->seq)
			continue;
		out->seq = h.seq;
		out->ts_nsec = h.ts_nsec;
		out->level = h.level;
		out->flags = h.flags;
		out->text = buf_ + off + sizeof(header);
		out->text_len = h.text_len;
		c->seq = h.seq + 1;
		return true;
	}
	return false;
}

bool ringbuffer::read_next(uint64_t* seq, record* out) const
{
	cursor c{*seq, tail_lpos_};
	if (!read_next(&c, out))
		return false;
	*seq = c.seq;
	return true;
}

} // namespace kmsg
