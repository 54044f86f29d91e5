/*
 * ktests of the initramfs unpacker (init/initramfs.cc).  The boot with
 * tools/build/mkcpio.py's test archive (tests/e2e: initramfs_unpacks)
 * runs initramfs.unpacked_tree, which checks the tree that archive
 * describes; without it the case skips.  The other cases feed crafted
 * archives to unpack_to_rootfs directly, below /initramfs_test.
 */
#include <fs/fs.h>
#include <fs/namei.h>
#include <kernel/ktest.h>
#include <lib/crc32.h>
#include <lib/format.h>
#include <lib/string.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/linux/fcntl.h>

const char* unpack_to_rootfs(const uint8_t* buf, size_t len);

namespace
{
long read_all(const char* name, char* buf, size_t n)
{
	lib::Result<struct file*> f = filp_open(name, O_RDONLY, 0);
	if (f.is_err())
		return -f.error();
	loff_t pos = 0;
	lib::Result<ssize_t> r = kernel_read(f.value(), buf, n - 1, &pos);
	fput(f.value());
	if (r.is_err())
		return -r.error();
	buf[r.value()] = '\0';
	return r.value();
}

/* one newc entry appended to a (a buffer of cap bytes at *len) */
void add(char* a, size_t* len, unsigned mode, const char* name, const char* data, unsigned nlink = 1,
         unsigned ino = 1, unsigned rmaj = 0, unsigned rmin = 0)
{
	size_t dlen = lib::strlen(data), nlen = lib::strlen(name) + 1;
	*len += lib::snprintf(a + *len, 111, "070701%08x%08x%08x%08x%08x%08x%08zx%08x%08x%08x%08x%08zx%08x", ino, mode,
	                      1000u, 100u, nlink, 77u, dlen, 0u, 0u, rmaj, rmin, nlen, 0u);
	lib::memcpy(a + *len, name, nlen);
	*len += nlen;
	while (*len % 4)
		a[(*len)++] = '\0';
	lib::memcpy(a + *len, data, dlen);
	*len += dlen;
	while (*len % 4)
		a[(*len)++] = '\0';
}
/* in[0, n) as one gzip member of stored blocks at *len in out */
void gzip_stored(uint8_t* out, size_t* len, const void* in, size_t n)
{
	static const uint8_t hdr[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
	lib::memcpy(out + *len, hdr, sizeof(hdr));
	*len += sizeof(hdr);
	out[(*len)++] = 1; /* BFINAL, BTYPE 00 */
	out[(*len)++] = uint8_t(n), out[(*len)++] = uint8_t(n >> 8);
	out[(*len)++] = uint8_t(~n), out[(*len)++] = uint8_t(~n >> 8);
	lib::memcpy(out + *len, in, n);
	*len += n;
	uint32_t crc = crc32_ieee(in, n);
	for (int i = 0; i < 4; i++)
		out[(*len)++] = uint8_t(crc >> (8 * i));
	for (int i = 0; i < 4; i++)
		out[(*len)++] = uint8_t(n >> (8 * i));
}
} // namespace

KTEST(initramfs, unpacked_tree)
{
	struct kstat st;
	if (vfs_fstatat(AT_FDCWD, "/initramfs-test-marker", &st, 0).is_err())
		KTEST_SKIP("booted without the test initramfs");
	char buf[128];
	KEXPECT_EQ(read_all("/etc/motd", buf, sizeof(buf)), 20);
	KEXPECT_STREQ(buf, "hello-from-cpio!\nok\n");
	KASSERT_OK(vfs_fstatat(AT_FDCWD, "/etc", &st, 0));
	KEXPECT_TRUE(S_ISDIR(st.mode));
	KEXPECT_EQ(st.mode & 07777, 0750);
	KEXPECT_EQ(__kuid_val(st.uid), 1000u);
	KEXPECT_EQ(__kgid_val(st.gid), 100u);
	KEXPECT_EQ(st.mtime.tv_sec, 1700000000); /* set after the files went in */
	KASSERT_OK(vfs_fstatat(AT_FDCWD, "/etc/motd", &st, 0));
	KEXPECT_EQ(st.mode & 07777, 0640);
	KEXPECT_EQ(st.mtime.tv_sec, 1600000000);
	KASSERT_OK(vfs_fstatat(AT_FDCWD, "/bin/sh", &st, AT_SYMLINK_NOFOLLOW));
	KEXPECT_TRUE(S_ISLNK(st.mode));
	KEXPECT_EQ(do_readlinkat(AT_FDCWD, "/bin/sh", buf, sizeof(buf)).value_or(-1), 7);
	KASSERT_OK(vfs_fstatat(AT_FDCWD, "/dev/console", &st, 0));
	KEXPECT_TRUE(S_ISCHR(st.mode));
	KEXPECT_EQ(st.rdev, MKDEV(5, 1));
	KASSERT_OK(vfs_fstatat(AT_FDCWD, "/hard1", &st, 0));
	KEXPECT_EQ(st.nlink, 2u);
	uint64_t ino = st.ino;
	KASSERT_OK(vfs_fstatat(AT_FDCWD, "/hard2", &st, 0));
	KEXPECT_EQ(st.ino, ino);
	KEXPECT_EQ(read_all("/hard1", buf, sizeof(buf)), 6);
	KEXPECT_STREQ(buf, "shared");
	KASSERT_OK(vfs_fstatat(AT_FDCWD, "/empty", &st, 0));
	KEXPECT_EQ(st.size, 0);
}

KTEST(initramfs, errors_keep_what_came_before)
{
	static char a[4096];
	size_t len = 0;
	add(a, &len, 040755, "initramfs_test", "");
	add(a, &len, 0100644, "initramfs_test/one", "first");
	size_t second = len;
	add(a, &len, 0100644, "initramfs_test/two", "second");
	add(a, &len, 0, "TRAILER!!!", "");
	a[second] = 'X';
	KEXPECT_STREQ(unpack_to_rootfs(reinterpret_cast<uint8_t*>(a), len), "no cpio magic");
	char buf[32];
	KEXPECT_EQ(read_all("/initramfs_test/one", buf, sizeof(buf)), 5);
	KEXPECT_EQ(read_all("/initramfs_test/two", buf, sizeof(buf)), -ENOENT);
	a[second] = '0';
	KEXPECT_STREQ(unpack_to_rootfs(reinterpret_cast<uint8_t*>(a), second + 50), "truncated archive");
	KEXPECT_EQ(unpack_to_rootfs(reinterpret_cast<uint8_t*>(a), len), nullptr);
	KEXPECT_EQ(read_all("/initramfs_test/two", buf, sizeof(buf)), 6);
	static const uint8_t gz[] = {0x1f, 0x8b, 8, 0, 0, 0};
	KEXPECT_STREQ(unpack_to_rootfs(gz, sizeof(gz)), "unexpected end of input (truncated)");
	static const uint8_t zstd[] = {0x28, 0xb5, 0x2f, 0xfd, 0, 0};
	KEXPECT_STREQ(unpack_to_rootfs(zstd, sizeof(zstd)), "compression method zstd not configured");
	static const uint8_t junk[] = {0, 0, 0, 0, 'x', 'y'};
	KEXPECT_STREQ(unpack_to_rootfs(junk, sizeof(junk)), "invalid magic at start of compressed archive");
	/* an entry replaces one of another type */
	len = 0;
	add(a, &len, 040755, "initramfs_test/one", "");
	add(a, &len, 0, "TRAILER!!!", "");
	KEXPECT_EQ(unpack_to_rootfs(reinterpret_cast<uint8_t*>(a), len), nullptr);
	struct kstat st;
	KASSERT_OK(vfs_fstatat(AT_FDCWD, "/initramfs_test/one", &st, 0));
	KEXPECT_TRUE(S_ISDIR(st.mode));
	KEXPECT_OK(do_rmdir(AT_FDCWD, "/initramfs_test/one"));
	KEXPECT_OK(do_unlinkat(AT_FDCWD, "/initramfs_test/two"));
	KEXPECT_OK(do_rmdir(AT_FDCWD, "/initramfs_test"));
}

/* gzip members (lib/inflate.cc): concatenated, NUL padding between
 * them, a member holding one archive after another; junk inside a member
 * or an archive cut at a member's end is reported as Linux reports it */
KTEST(initramfs, gzip_members)
{
	static char a[2048], b[1024];
	static uint8_t gz[4096];
	size_t alen = 0, blen = 0, len = 0;
	add(a, &alen, 040755, "initramfs_gz", "");
	add(a, &alen, 0100644, "initramfs_gz/one", "first");
	add(a, &alen, 0, "TRAILER!!!", "");
	size_t one = alen;
	add(a, &alen, 0100644, "initramfs_gz/two", "second"); /* a second archive in the same member */
	add(a, &alen, 0, "TRAILER!!!", "");
	add(b, &blen, 0100600, "initramfs_gz/three", "third");
	add(b, &blen, 0, "TRAILER!!!", "");
	gzip_stored(gz, &len, a, alen);
	for (int i = 0; i < 8; i++)
		gz[len++] = 0;
	gzip_stored(gz, &len, b, blen);
	for (int i = 0; i < 4; i++)
		gz[len++] = 0;
	KEXPECT_EQ(unpack_to_rootfs(gz, len), nullptr);
	char buf[32];
	KEXPECT_EQ(read_all("/initramfs_gz/one", buf, sizeof(buf)), 5);
	KEXPECT_EQ(read_all("/initramfs_gz/two", buf, sizeof(buf)), 6);
	KEXPECT_EQ(read_all("/initramfs_gz/three", buf, sizeof(buf)), 5);
	KEXPECT_STREQ(buf, "third");
	/* the member's CRC spoiled */
	gz[len - 8 - 4] ^= 1;
	KEXPECT_STREQ(unpack_to_rootfs(gz, len), "incorrect data check (crc32 mismatch)");
	/* an archive cut by the member's end */
	len = 0;
	gzip_stored(gz, &len, a, one - 20);
	KEXPECT_STREQ(unpack_to_rootfs(gz, len), "junk at the end of compressed archive");
	/* junk after an archive's trailer inside the member */
	lib::memcpy(b + blen, "junk", 4);
	len = 0;
	gzip_stored(gz, &len, b, blen + 4);
	KEXPECT_STREQ(unpack_to_rootfs(gz, len), "junk within compressed archive");
	KEXPECT_OK(do_unlinkat(AT_FDCWD, "/initramfs_gz/one"));
	KEXPECT_OK(do_unlinkat(AT_FDCWD, "/initramfs_gz/two"));
	KEXPECT_OK(do_unlinkat(AT_FDCWD, "/initramfs_gz/three"));
	KEXPECT_OK(do_rmdir(AT_FDCWD, "/initramfs_gz"));
}
