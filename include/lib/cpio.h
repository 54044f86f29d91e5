/*
 * cpio.h - a streaming reader of "newc" cpio archives (Linux:
 * init/initramfs.c's state machine; the format is
 * Documentation/driver-api/early-userspace/buffer-format.rst).
 *
 * An archive is a sequence of entries, each a 110-byte ASCII header
 * ("070701", or "070702" with a checksum, then 13 eight-digit hex
 * fields: ino, mode, uid, gid, nlink, mtime, filesize, devmajor,
 * devminor, rdevmajor, rdevminor, namesize, check), the NUL-terminated
 * name padded to a multiple of 4 from the header's start, then filesize
 * bytes of data padded to 4.  The entry named "TRAILER!!!" ends one
 * archive; archives may follow one another, with NUL padding between.
 *
 * cpio_newc_reader is fed chunks of any size (write()); it calls its
 * sink with each entry's header and name (symlinks also with their
 * target), then a regular file's data in pieces, then the file's end.
 * It keeps no more than a header, a name and a link target, so a
 * decompressor can feed it straight from its output window.  Errors
 * carry Linux's messages ("no cpio magic", "broken padding"...) through
 * message(); finish() reports an archive cut short ("truncated").
 * Freestanding: the kernel's initramfs (init/initramfs.cc) and the host
 * tests (tests/host/test_cpio.cc) build this same file.
 */
#pragma once
#include <cstddef>
#include <cstdint>
#include <lib/result.h>

namespace lib
{

struct cpio_header {
	unsigned long ino, mode, uid, gid, nlink, mtime, filesize;
	unsigned long devmajor, devminor, rdevmajor, rdevminor, namesize, check;
};

inline constexpr size_t CPIO_HEADER_LEN = 110;
inline constexpr size_t CPIO_NAME_MAX = 4096; /* PATH_MAX */

/* parse one 110-byte header: EINVAL for a bad magic or a non-hex field */
Result<void> parse_cpio_header(const char* buf, cpio_header* h);

class cpio_sink
{
public:
	/* a new entry; target is a symlink's body (NUL-terminated), else NULL */
	virtual Result<void> entry(const cpio_header& h, const char* name, const char* target) = 0;
	/* a regular file's bytes, in order */
	virtual Result<void> data(const uint8_t* buf, size_t len) = 0;
	/* the regular file's last byte was delivered */
	virtual Result<void> end_file() = 0;

protected:
	~cpio_sink() = default;
};

class cpio_newc_reader
{
public:
	explicit cpio_newc_reader(cpio_sink* sink) : sink_(sink) {}
	/* feed up to len bytes; returns how many were used: all of them, or
	 * fewer when an archive's trailer ended before them (the caller
	 * looks at what follows: NULs, another archive, a compressed one).
	 * An error stops the reader for good. */
	Result<size_t> write(const uint8_t* buf, size_t len);
	/* the input ended: EINVAL ("truncated archive") inside an archive */
	Result<void> finish();
	/* why the last error happened, in Linux's words */
	const char* message() const { return message_; }
	/* archives completed (TRAILER!!! seen) */
	unsigned archives() const { return archives_; }
	/* between archives (nothing or a whole archive read so far) */
	bool between_archives() const { return state_ == state::reset; }

private:
	enum class state { reset, header, name, skip_name_pad, data, symlink, skip_data_pad, failed };
	Result<void> fail(const char* msg);
	Result<void> got_header();
	Result<void> got_name();
	Result<void> start_body();
	Result<void> advance();
	cpio_sink* sink_;
	state state_ = state::reset;
	char header_[CPIO_HEADER_LEN];
	size_t have_ = 0;     /* bytes of the current header/name/target collected */
	size_t remaining_ = 0; /* data bytes or padding left */
	cpio_header h_{};
	char name_[CPIO_NAME_MAX];
	char target_[CPIO_NAME_MAX];
	bool is_reg_ = false;
	bool trailer_ = false;
	unsigned long long offset_ = 0; /* bytes consumed in this archive (padding is relative to it) */
	const char* message_ = nullptr;
	unsigned archives_ = 0;
};

} // namespace lib
