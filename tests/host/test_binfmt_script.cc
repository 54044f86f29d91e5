/*
 * "#!" parsing (<fs/binfmt_script.h>): Linux 6.1's rules for the
 * interpreter name, its one optional argument, and the lines it refuses.
 */
#include <cstring>
#include <fs/binfmt_script.h>
#include <gtest/gtest.h>
#include <string>

namespace
{
struct parsed {
	bool ok;
	std::string interp, arg;
	bool has_arg;
};
parsed parse(const std::string& text)
{
	char buf[BINPRM_BUF_SIZE] = {};
	memcpy(buf, text.data(), std::min(text.size(), sizeof(buf)));
	auto r = parse_shebang(buf);
	if (r.is_err())
		return {false, "", "", false};
	return {true, r.value().interp, r.value().arg ? r.value().arg : "", r.value().arg != nullptr};
}
} // namespace

TEST(parse_shebang, name_and_one_argument)
{
	parsed p = parse("#!/bin/sh\necho hi\n");
	EXPECT_TRUE(p.ok);
	EXPECT_EQ(p.interp, "/bin/sh");
	EXPECT_FALSE(p.has_arg);

	p = parse("#! \t/bin/busybox   sh -x  \t\nrest");
	EXPECT_EQ(p.interp, "/bin/busybox");
	EXPECT_TRUE(p.has_arg);
	EXPECT_EQ(p.arg, "sh -x"); /* one argument, inner blanks kept, trailing trimmed */

	p = parse("#!/bin/sh   \n");
	EXPECT_EQ(p.interp, "/bin/sh");
	EXPECT_FALSE(p.has_arg);

	/* no newline in a short file: the NUL padding ends the name */
	p = parse("#!/bin/true");
	EXPECT_TRUE(p.ok);
	EXPECT_EQ(p.interp, "/bin/true");
}

TEST(parse_shebang, refuses_what_linux_refuses)
{
	EXPECT_FALSE(parse("\x7f" "ELF").ok);
	EXPECT_FALSE(parse("#/bin/sh\n").ok);
	EXPECT_FALSE(parse("#!\n").ok);
	EXPECT_FALSE(parse("#!   \t \n").ok);
	EXPECT_FALSE(parse("#!" + std::string(300, ' ')).ok); /* only blanks, no newline */
	/* a name filling the buffer with no blank or NUL after it may be cut */
	EXPECT_FALSE(parse("#!/" + std::string(300, 'a')).ok);
	/* ...but a blank inside the buffer after the name makes the line usable */
	parsed p = parse("#!/bin/sh " + std::string(300, 'x'));
	EXPECT_TRUE(p.ok);
	EXPECT_EQ(p.interp, "/bin/sh");
	EXPECT_EQ(p.arg, std::string(BINPRM_BUF_SIZE - 1 - 10, 'x'));
}
