/*
 * Directory entries and the dentry cache (Linux: include/linux/dcache.h,
 * fs/dcache.c; implemented in fs/dcache.cc).
 *
 * A dentry names one entry of a directory: (d_parent, d_name) -> d_inode.
 * A negative dentry (d_inode NULL) caches "no such name".  Hashed dentries
 * are found by d_lookup through dentry_hashtable, keyed by (parent, name).
 * Every dentry but a root holds a reference on its parent and sits on the
 * parent's d_subdirs (through d_child).  A dentry whose count drops to 0
 * stays cached on its super_block's LRU (s_dentry_lru) until
 * prune_dcache_sb or shrink_dcache_sb frees it; an unhashed one is freed
 * at once.  ramfs/tmpfs pin their positive dentries with one extra
 * reference (dget in d_instantiate's callers, dropped by unlink/rmdir and
 * at unmount by d_genocide), as Linux's simple file systems do: the
 * dentry tree is the file system.
 *
 * dcache_lock (a spinlock, Linux 2.6's one big lock for the same) guards
 * the hash table, d_count, d_subdirs/d_child, d_lru and the LRU counts,
 * d_inode changes, d_name and d_parent changes (d_move) and d_flags.
 * Readers that hold a reference may read d_inode/d_parent/d_name of a
 * dentry whose parent directory's i_rwsem they hold.
 */
#pragma once
#include <fs/fs.h>
#include <lib/list.h>
#include <lib/spinlock.h>

#define DNAME_INLINE_LEN 40

struct qstr {
	const char* name; /* not NUL-terminated in general: use len */
	unsigned int len;
	unsigned int hash;
};

/* d_flags */
#define DCACHE_GENOCIDE 0x00000200  /* d_genocide dropped its pin */
#define DCACHE_MOUNTED 0x00010000   /* something is mounted on it */
#define DCACHE_LRU_LIST 0x00080000  /* on the sb's LRU */
#define DCACHE_UNHASHED 0x10000000  /* not (or no longer) in the hash table */
#define DCACHE_KILLED 0x20000000    /* being freed */

extern lib::spinlock dcache_lock;

struct dentry {
	unsigned int d_flags;
	struct dentry* d_parent; /* itself for a root */
	struct qstr d_name;
	struct inode* d_inode; /* NULL: negative */
	int d_count;           /* references (dcache_lock) */
	lib::list_head d_hash;    /* in dentry_hashtable */
	lib::list_head d_lru;     /* on d_sb->s_dentry_lru while unused */
	lib::list_head d_child;   /* on d_parent->d_subdirs */
	lib::list_head d_subdirs; /* the children */
	struct super_block* d_sb;
	void* d_fsdata;
	unsigned char d_iname[DNAME_INLINE_LEN]; /* a short name lives here */
};

static inline bool d_is_negative(const struct dentry* d)
{
	return d->d_inode == nullptr;
}
static inline bool d_really_is_positive(const struct dentry* d)
{
	return d->d_inode != nullptr;
}
static inline struct inode* d_inode(const struct dentry* d)
{
	return d->d_inode;
}
static inline bool d_is_dir(const struct dentry* d)
{
	return d->d_inode && S_ISDIR(d->d_inode->i_mode);
}
static inline bool d_is_symlink(const struct dentry* d)
{
	return d->d_inode && S_ISLNK(d->d_inode->i_mode);
}
static inline bool d_is_reg(const struct dentry* d)
{
	return d->d_inode && S_ISREG(d->d_inode->i_mode);
}
static inline bool d_mountpoint(const struct dentry* d)
{
	return __atomic_load_n(&d->d_flags, __ATOMIC_RELAXED) & DCACHE_MOUNTED;
}
static inline bool IS_ROOT(const struct dentry* d)
{
	return d->d_parent == d;
}
bool d_unhashed(const struct dentry* d);

struct dentry* dget(struct dentry* d); /* NULL passes through */
void dput(struct dentry* d);           /* NULL is fine */
static inline void ref_get(struct dentry* d)
{
	dget(d);
}
static inline void ref_put(struct dentry* d)
{
	dput(d);
}
/* the parent, referenced (Linux: dget_parent) */
struct dentry* dget_parent(struct dentry* d);

unsigned int full_name_hash(const void* salt, const char* name, unsigned int len);
/* a new, unhashed, negative child of parent named name; NULL: ENOMEM */
struct dentry* d_alloc(struct dentry* parent, const struct qstr* name);
/* a file system's root dentry for inode (takes over its reference) */
struct dentry* d_make_root(struct inode* root_inode);
/* the hashed child (positive or negative) of parent called name,
 * referenced, or NULL */
struct dentry* d_lookup(struct dentry* parent, const struct qstr* name);
void d_instantiate(struct dentry* dentry, struct inode* inode); /* takes the inode's reference */
void d_add(struct dentry* dentry, struct inode* inode);         /* instantiate and hash */
void d_rehash(struct dentry* dentry);
void d_drop(struct dentry* dentry);   /* unhash: later lookups miss it */
void d_delete(struct dentry* dentry); /* after unlink: negative if unused, else unhashed */
/* dentry takes target's place in the tree (rename); with exchange both swap */
void d_move(struct dentry* dentry, struct dentry* target);
void d_exchange(struct dentry* d1, struct dentry* d2);
/* is d (or one of its ancestors) ancestor? */
bool is_subdir(struct dentry* d, struct dentry* ancestor);

/* free up to nr unused dentries of sb, oldest first; the number freed
 * (Linux: prune_dcache_sb, what the shrinker calls under memory pressure) */
long prune_dcache_sb(struct super_block* sb, long nr);
void shrink_dcache_sb(struct super_block* sb);
/* drop the pin reference of every positive dentry below root (umount) */
void d_genocide(struct dentry* root);
/* free every dentry of sb (its last umount) */
void shrink_dcache_for_umount(struct super_block* sb);
long nr_dentries(); /* dentries alive */
long nr_dentries_unused(struct super_block* sb);

/* the path of dentry from root into buf's end (Linux: d_path, __d_path);
 * returns the start of the string; ENAMETOOLONG */
lib::Result<char*> d_path(const struct path* path, const struct path* root, char* buf, int buflen);
