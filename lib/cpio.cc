/*
 * The newc cpio reader (Linux: init/initramfs.c do_start, do_collect,
 * do_header, do_skip, do_name, do_copy, do_symlink, do_reset, parse_header);
 * see <lib/cpio.h>.
 *
 * States: reset (between archives: NULs are skipped, anything else
 * starts a header) -> header (collect 110 bytes) -> name (collect
 * namesize bytes) -> skip_name_pad -> data (a regular file's bytes,
 * handed on as they come) or symlink (collect the target) ->
 * skip_data_pad -> header, or reset after "TRAILER!!!".
 * offset_ counts the bytes of the current archive: the padding rounds it
 * up to a multiple of 4.
 */
#include <lib/cpio.h>
#include <lib/string.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/linux/stat.h>

namespace lib
{

Result<void> parse_cpio_header(const char* buf, cpio_header* h)
{
	if (memcmp(buf, "07070", 5) || (buf[5] != '1' && buf[5] != '2'))
		return Error{EINVAL};
	unsigned long* fields[13] = {&h->ino,      &h->mode,      &h->uid,       &h->gid,      &h->nlink,
	                             &h->mtime,    &h->filesize,  &h->devmajor,  &h->devminor, &h->rdevmajor,
	                             &h->rdevminor, &h->namesize, &h->check};
	const char* p = buf + 6;
	for (auto* f : fields) {
		unsigned long v = 0;
		for (int i = 0; i < 8; i++, p++) {
			char c = *p;
			unsigned d;
			if (c >= '0' && c <= '9')
				d = c - '0';
			else if (c >= 'a' && c <= 'f')
				d = c - 'a' + 10;
			else if (c >= 'A' && c <= 'F')
				d = c - 'A' + 10;
			else
				return Error{EINVAL};
			v = v << 4 | d;
		}
		*f = v;
	}
	return ok();
}

Result<void> cpio_newc_reader::fail(const char* msg)
{
	if (!message_)
		message_ = msg;
	state_ = state::failed;
	return Error{EINVAL};
}

Result<void> cpio_newc_reader::got_header()
{
	if (parse_cpio_header(header_, &h_).is_err())
		return fail("no cpio magic");
	/* Linux refuses no field; a name longer than PATH_MAX it cannot hold */
	if (h_.namesize == 0 || h_.namesize > CPIO_NAME_MAX)
		return fail("bad name size");
	have_ = 0;
	state_ = state::name;
	return ok();
}

Result<void> cpio_newc_reader::got_name()
{
	if (name_[h_.namesize - 1] != '\0')
		return fail("name not NUL-terminated");
	trailer_ = !strcmp(name_, "TRAILER!!!");
	is_reg_ = !trailer_ && S_ISREG(h_.mode);
	/* the name's padding: to a multiple of 4 from the archive's start */
	remaining_ = (4 - offset_ % 4) % 4;
	state_ = state::skip_name_pad;
	return advance();
}

Result<void> cpio_newc_reader::start_body()
{
	have_ = 0;
	remaining_ = h_.filesize;
	if (trailer_) {
		is_reg_ = false;
		state_ = state::data; /* a trailer's body, if any, is skipped */
	} else if (S_ISLNK(h_.mode)) {
		if (h_.filesize >= CPIO_NAME_MAX)
			return fail("symlink target too long");
		state_ = state::symlink;
	} else {
		/* directories and nodes have no body (one would be skipped) */
		if (sink_->entry(h_, name_, nullptr).is_err())
			return fail("cannot create an entry");
		state_ = state::data;
	}
	return ok();
}

/* the transitions that need no more input */
Result<void> cpio_newc_reader::advance()
{
	for (;;) {
		switch (state_) {
		case state::skip_name_pad:
			if (remaining_)
				return ok();
			TRY(start_body());
			continue;
		case state::data:
			if (remaining_)
				return ok();
			if (is_reg_ && sink_->end_file().is_err())
				return fail("write error");
			remaining_ = (4 - offset_ % 4) % 4;
			state_ = state::skip_data_pad;
			continue;
		case state::symlink:
			if (have_ < h_.filesize)
				return ok();
			target_[h_.filesize] = '\0';
			if (sink_->entry(h_, name_, target_).is_err())
				return fail("cannot create a symlink");
			remaining_ = (4 - offset_ % 4) % 4;
			state_ = state::skip_data_pad;
			continue;
		case state::skip_data_pad:
			if (remaining_)
				return ok();
			have_ = 0;
			if (trailer_) {
				archives_++;
				state_ = state::reset;
			} else {
				state_ = state::header;
			}
			continue;
		default:
			return ok();
		}
	}
}

Result<size_t> cpio_newc_reader::write(const uint8_t* buf, size_t len)
{
	size_t used = 0;
	auto take = [&](size_t n) {
		buf += n, len -= n, used += n;
		offset_ += n;
	};
	while (len) {
		switch (state_) {
		case state::failed:
			return Error{EINVAL};
		case state::reset:
			if (archives_ && trailer_) {
				trailer_ = false;
				return used; /* one archive done: the caller looks at what follows */
			}
			if (*buf == 0) { /* NULs before the archive */
				buf++, len--, used++;
				continue;
			}
			offset_ = 0;
			have_ = 0;
			state_ = state::header;
			continue;
		case state::header: {
			size_t n = CPIO_HEADER_LEN - have_ < len ? CPIO_HEADER_LEN - have_ : len;
			memcpy(header_ + have_, buf, n);
			have_ += n;
			take(n);
			if (have_ == CPIO_HEADER_LEN)
				TRY(got_header());
			break;
		}
		case state::name: {
			size_t n = h_.namesize - have_ < len ? h_.namesize - have_ : len;
			memcpy(name_ + have_, buf, n);
			have_ += n;
			take(n);
			if (have_ == h_.namesize)
				TRY(got_name());
			break;
		}
		case state::skip_name_pad:
		case state::skip_data_pad: {
			size_t n = remaining_ < len ? remaining_ : len;
			for (size_t i = 0; i < n; i++)
				if (buf[i])
					return fail("broken padding").error_value();
			remaining_ -= n;
			take(n);
			break;
		}
		case state::data: {
			size_t n = remaining_ < len ? remaining_ : len;
			if (n && is_reg_ && sink_->data(buf, n).is_err())
				return fail("write error").error_value();
			remaining_ -= n;
			take(n);
			break;
		}
		case state::symlink: {
			size_t n = h_.filesize - have_ < len ? h_.filesize - have_ : len;
			memcpy(target_ + have_, buf, n);
			have_ += n;
			take(n);
			break;
		}
		}
		TRY(advance());
	}
	if (state_ == state::reset && archives_ && trailer_)
		trailer_ = false;
	return used;
}

Result<void> cpio_newc_reader::finish()
{
	if (state_ == state::failed)
		return Error{EINVAL};
	if (state_ == state::reset)
		return ok();
	return fail("truncated archive");
}

} // namespace lib
