/*
 * ktests for the multiboot2 parser (arch/x86_64/boot/bootinfo.cc), fed
 * crafted boot information: good tags are read, malformed ones are
 * reported and never read past.
 */
#include <kernel/ktest.h>
#include <arch/boot.h>
#include <arch/page.h>
#include <lib/string.h>

namespace
{
/* a tiny multiboot2 information builder */
struct mbi_builder {
	alignas(8) uint8_t buf[512];
	uint32_t len = 8;

	void tag(uint32_t type, const void* body, uint32_t body_len, uint32_t size_field = 0)
	{
		uint32_t size = size_field ? size_field : 8 + body_len;
		lib::memcpy(buf + len, &type, 4);
		lib::memcpy(buf + len + 4, &size, 4);
		lib::memcpy(buf + len + 8, body, body_len);
		len += (8 + body_len + 7) & ~7u;
	}
	uint64_t finish(uint32_t total_override = 0)
	{
		tag(0, nullptr, 0);
		uint32_t total = total_override ? total_override : len;
		lib::memcpy(buf, &total, 4);
		return __pa(buf);
	}
};

struct mmap_body {
	uint32_t entry_size, entry_version;
	struct {
		uint64_t addr, len;
		uint32_t type, zero;
	} e[2];
};

struct boot_params bp; /* large: not on the stack */
mbi_builder mb;

void reset()
{
	lib::memset(&bp, 0, sizeof(bp));
	mb = mbi_builder{};
}
} // namespace

KTEST(multiboot2, reads_cmdline_mmap_module)
{
	reset();
	mb.tag(1, "quiet x=1", 10);
	mmap_body m{24, 0, {{0, 0x9fc00, 1, 0}, {0x100000, 0x1000000, 1, 0}}};
	mb.tag(6, &m, sizeof(m));
	uint32_t mod[2] = {0x200000, 0x280000};
	uint8_t modtag[8 + 7];
	lib::memcpy(modtag, mod, 8);
	lib::memcpy(modtag + 8, "initrd", 7);
	mb.tag(3, modtag, sizeof(modtag));
	parse_multiboot2(bp, mb.finish());
	KEXPECT_STREQ(bp.cmdline, "quiet x=1");
	KASSERT_EQ(bp.e820_firmware.nr_entries, 2u);
	KEXPECT_EQ(bp.e820_firmware.entries[1].addr, 0x100000u);
	KEXPECT_EQ(bp.e820_firmware.entries[1].size, 0x1000000u);
	KASSERT_EQ(bp.nr_modules, 1u);
	KEXPECT_EQ(bp.modules[0].start, 0x200000u);
	KEXPECT_EQ(bp.modules[0].size, 0x80000u);
	KEXPECT_STREQ(bp.modules[0].cmdline, "initrd");
}

KTEST(multiboot2, tag_too_small_stops_parsing)
{
	reset();
	mb.tag(1, "kept", 5);
	mb.tag(2, "x", 1, 4); /* size 4 < header: malformed */
	mb.tag(1, "never", 6);
	parse_multiboot2(bp, mb.finish());
	KEXPECT_STREQ(bp.cmdline, "kept");
}

KTEST(multiboot2, tag_past_total_stops_parsing)
{
	reset();
	mb.tag(1, "kept", 5);
	mb.tag(1, "huge", 5, 4000); /* claims more than the whole information */
	parse_multiboot2(bp, mb.finish());
	KEXPECT_STREQ(bp.cmdline, "kept");
}

KTEST(multiboot2, bad_mmap_entry_size_ignored)
{
	reset();
	mmap_body m{20, 0, {{0, 0x9fc00, 1, 0}, {0x100000, 0x1000000, 1, 0}}};
	mb.tag(6, &m, sizeof(m));
	mb.tag(1, "after", 6);
	parse_multiboot2(bp, mb.finish());
	KEXPECT_EQ(bp.e820_firmware.nr_entries, 0u);
	KEXPECT_STREQ(bp.cmdline, "after"); /* parsing went on past it */
}

KTEST(multiboot2, implausible_total_rejected)
{
	reset();
	mb.tag(1, "no", 3);
	parse_multiboot2(bp, mb.finish(8));
	KEXPECT_STREQ(bp.cmdline, "");
	reset();
	parse_multiboot2(bp, 0x1003); /* misaligned */
	KEXPECT_STREQ(bp.cmdline, "");
}

KTEST(multiboot2, unterminated_cmdline_is_bounded)
{
	reset();
	char text[16];
	lib::memset(text, 'a', sizeof(text)); /* no NUL inside the tag */
	mb.tag(1, text, sizeof(text));
	mb.tag(2, "GRUB", 5);
	parse_multiboot2(bp, mb.finish());
	KEXPECT_EQ(lib::strlen(bp.cmdline), sizeof(text));
	KEXPECT_STREQ(bp.loader_name, "GRUB");
}
