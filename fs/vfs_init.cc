/*
 * The VFS at boot (Linux: fs/dcache.c vfs_caches_init, which calls
 * dcache_init, inode_init, files_init, mnt_init...).  start_kernel
 * calls vfs_caches_init after fork_init: the caches, then the file
 * system types and the rootfs mount at the top of the tree, which
 * init_task's fs_struct (and so every kernel thread's) gets as its root
 * and cwd.
 */
#include <fs/anon_inodes.h>
#include <fs/fs.h>
#include <fs/mount.h>
#include <mm/pagemap.h>

void dcache_init();
void inode_init();
void files_init();
void files_cache_init();
void namei_init();
void super_init();
void pipe_init();

void vfs_caches_init()
{
	dcache_init();
	inode_init();
	files_init();
	files_cache_init();
	namei_init();
	radix_tree_init();
	super_init();
	mnt_init();
	pipe_init();
	anon_inode_init();
	eventpoll_init();
}
