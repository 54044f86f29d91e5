// The newc cpio reader (lib/cpio.cc): headers, every entry kind, data fed
// in chunks of every size from 1 byte, archives back to back with NUL
// padding between them, and the errors: bad magic, broken padding,
// truncation.
#include <cstdio>
#include <gtest/gtest.h>
#include <lib/cpio.h>
#include <string>
#include <vector>

namespace
{
std::string hdr(unsigned ino, unsigned mode, unsigned nlink, size_t size, const std::string& name, unsigned rmaj = 0,
                unsigned rmin = 0, unsigned mtime = 0, unsigned uid = 0)
{
	char buf[111];
	snprintf(buf, sizeof(buf), "070701%08x%08x%08x%08x%08x%08x%08zx%08x%08x%08x%08x%08zx%08x", ino, mode, uid, 0u,
	         nlink, mtime, size, 0u, 0u, rmaj, rmin, name.size() + 1, 0u);
	return std::string(buf, 110);
}
void pad4(std::string& s)
{
	while (s.size() % 4)
		s.push_back('\0');
}
void add(std::string& a, unsigned mode, const std::string& name, const std::string& data = "", unsigned nlink = 1,
         unsigned ino = 7, unsigned rmaj = 0, unsigned rmin = 0)
{
	a += hdr(ino, mode, nlink, data.size(), name, rmaj, rmin, 1234, 1000);
	a += name;
	a.push_back('\0');
	pad4(a);
	a += data;
	pad4(a);
}
std::string sample()
{
	std::string a;
	add(a, 040755, "dir");
	add(a, 0100644, "dir/file", "hello, initramfs\n");
	add(a, 0100600, "empty", "");
	add(a, 0120777, "link", "dir/file");
	add(a, 020666, "null", "", 1, 9, 1, 3);
	add(a, 0100644, "odd", "abc"); /* 3 bytes: padding follows */
	add(a, 0, "TRAILER!!!");
	return a;
}

struct recorder : lib::cpio_sink {
	std::vector<std::string> log;
	std::string cur;
	lib::Result<void> entry(const lib::cpio_header& h, const char* name, const char* target) override
	{
		char buf[64];
		snprintf(buf, sizeof(buf), " mode=%lo uid=%lu mtime=%lu rdev=%lu:%lu", h.mode, h.uid, h.mtime, h.rdevmajor,
		         h.rdevminor);
		log.push_back(std::string(name) + buf + (target ? std::string(" -> ") + target : ""));
		return lib::ok();
	}
	lib::Result<void> data(const uint8_t* b, size_t n) override
	{
		cur.append(reinterpret_cast<const char*>(b), n);
		return lib::ok();
	}
	lib::Result<void> end_file() override
	{
		log.push_back("data:" + cur);
		cur.clear();
		return lib::ok();
	}
};

std::vector<std::string> expected()
{
	return {"dir mode=40755 uid=1000 mtime=1234 rdev=0:0",
	        "dir/file mode=100644 uid=1000 mtime=1234 rdev=0:0",
	        "data:hello, initramfs\n",
	        "empty mode=100600 uid=1000 mtime=1234 rdev=0:0",
	        "data:",
	        "link mode=120777 uid=1000 mtime=1234 rdev=0:0 -> dir/file",
	        "null mode=20666 uid=1000 mtime=1234 rdev=1:3",
	        "odd mode=100644 uid=1000 mtime=1234 rdev=0:0",
	        "data:abc"};
}
} // namespace

TEST(cpio, parse_header_fields_and_bad_magic)
{
	std::string h = hdr(5, 0100644, 2, 300, "abc", 4, 64);
	lib::cpio_header ch;
	ASSERT_TRUE(lib::parse_cpio_header(h.data(), &ch).is_ok());
	EXPECT_EQ(ch.ino, 5u);
	EXPECT_EQ(ch.mode, 0100644u);
	EXPECT_EQ(ch.nlink, 2u);
	EXPECT_EQ(ch.filesize, 300u);
	EXPECT_EQ(ch.namesize, 4u);
	EXPECT_EQ(ch.rdevmajor, 4u);
	EXPECT_EQ(ch.rdevminor, 64u);
	h[5] = '2'; /* 070702: with checksums, accepted */
	EXPECT_TRUE(lib::parse_cpio_header(h.data(), &ch).is_ok());
	h[5] = '7'; /* 070707: the old ASCII format, refused */
	EXPECT_EQ(lib::parse_cpio_header(h.data(), &ch), lib::Error{EINVAL});
	h[5] = '1';
	h[20] = 'g';
	EXPECT_EQ(lib::parse_cpio_header(h.data(), &ch), lib::Error{EINVAL});
}

TEST(cpio, every_chunk_size_gives_the_same_entries)
{
	std::string a = sample();
	for (size_t chunk = 1; chunk <= a.size(); chunk = chunk < 16 ? chunk + 1 : chunk * 2) {
		recorder r;
		lib::cpio_newc_reader rd(&r);
		size_t off = 0;
		while (off < a.size()) {
			size_t n = std::min(chunk, a.size() - off);
			auto used = rd.write(reinterpret_cast<const uint8_t*>(a.data()) + off, n);
			ASSERT_TRUE(used.is_ok()) << chunk << ": " << (rd.message() ? rd.message() : "");
			off += used.value();
			if (used.value() < n)
				break;
		}
		EXPECT_TRUE(rd.finish().is_ok()) << chunk;
		EXPECT_EQ(rd.archives(), 1u);
		EXPECT_EQ(r.log, expected()) << "chunk " << chunk;
	}
}

TEST(cpio, archives_back_to_back_stop_at_each_trailer)
{
	std::string one = sample();
	std::string a = one + std::string(512, '\0') + one;
	recorder r;
	lib::cpio_newc_reader rd(&r);
	auto used = rd.write(reinterpret_cast<const uint8_t*>(a.data()), a.size());
	ASSERT_TRUE(used.is_ok());
	EXPECT_EQ(used.value(), one.size()); /* stops after the first trailer */
	EXPECT_TRUE(rd.between_archives());
	size_t off = used.value();
	while (off < a.size() && a[off] == '\0')
		off++;
	used = rd.write(reinterpret_cast<const uint8_t*>(a.data()) + off, a.size() - off);
	ASSERT_TRUE(used.is_ok());
	EXPECT_EQ(rd.archives(), 2u);
	EXPECT_EQ(r.log.size(), 2 * expected().size());
}

TEST(cpio, errors_have_linux_messages)
{
	std::string a = sample();
	{
		std::string b = a;
		b[a.find("070701", 6)] = 'X';
		recorder r;
		lib::cpio_newc_reader rd(&r);
		EXPECT_FALSE(rd.write(reinterpret_cast<const uint8_t*>(b.data()), b.size()).is_ok());
		EXPECT_STREQ(rd.message(), "no cpio magic");
		EXPECT_EQ(r.log.size(), 1u); /* what came before stays */
	}
	{
		std::string b = a;
		size_t odd = a.find("abc");
		b[odd + 3] = 'Z'; /* the padding after "abc" */
		recorder r;
		lib::cpio_newc_reader rd(&r);
		EXPECT_FALSE(rd.write(reinterpret_cast<const uint8_t*>(b.data()), b.size()).is_ok());
		EXPECT_STREQ(rd.message(), "broken padding");
	}
	for (size_t cut : {size_t(50), size_t(200), a.size() - 20}) {
		recorder r;
		lib::cpio_newc_reader rd(&r);
		ASSERT_TRUE(rd.write(reinterpret_cast<const uint8_t*>(a.data()), cut).is_ok());
		EXPECT_FALSE(rd.finish().is_ok()) << cut;
		EXPECT_STREQ(rd.message(), "truncated archive");
	}
}
