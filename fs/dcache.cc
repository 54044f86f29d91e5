/*
 * The dentry cache (Linux: fs/dcache.c); see <fs/dcache.h> for the rules.
 *
 * Data structures: dentry_cache (the kmem_cache), dentry_hashtable (256
 * buckets of lib::list_head, keyed by hash(parent, name)), each
 * super_block's LRU of unused dentries.  Names up to DNAME_INLINE_LEN - 1
 * bytes live in d_iname, longer ones in a kmalloc'd copy.
 *
 * Invariants (under dcache_lock):
 *   - d_count == 0 and hashed  <=> on its sb's LRU (DCACHE_LRU_LIST);
 *     an unhashed dentry is freed when its count reaches 0.
 *   - a child holds one reference on its parent; d_child links it into
 *     d_parent->d_subdirs for as long as it exists.
 *   - at most one hashed dentry per (parent, name).
 *
 * Freeing (dentry_kill) unlinks under dcache_lock, then drops the inode
 * and the parent reference outside it (iput may sleep); a parent whose
 * count reaches 0 that way is handled in the same loop, as Linux's dput.
 *
 * Lock order: parent dir's i_rwsem -> dcache_lock -> the slab allocator.
 */
#include <fs/fsnotify.h>
#include <fs/dcache.h>
#include <fs/mount.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <lib/siphash.h>
#include <lib/string.h>
#include <mm/slab.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/asm-generic/errno.h>

lib::spinlock dcache_lock;

namespace
{
constexpr unsigned D_HASHBITS = 8;
lib::list_head dentry_hashtable[1u << D_HASHBITS] GUARDED_BY(dcache_lock);
struct kmem_cache* dentry_cache;
std::atomic<long> dentries_alive;

lib::list_head* d_hash(const struct dentry* parent, unsigned int hash)
{
	uintptr_t p = reinterpret_cast<uintptr_t>(parent) / 64;
	return &dentry_hashtable[(hash + p + (p >> D_HASHBITS)) & ((1u << D_HASHBITS) - 1)];
}

void d_lru_add(struct dentry* d) REQUIRES(dcache_lock)
{
	d->d_flags |= DCACHE_LRU_LIST;
	d->d_sb->s_dentry_lru.add_tail(&d->d_lru);
	d->d_sb->s_nr_dentry_unused++;
}
void d_lru_del(struct dentry* d) REQUIRES(dcache_lock)
{
	d->d_flags &= ~DCACHE_LRU_LIST;
	d->d_lru.del_init();
	d->d_sb->s_nr_dentry_unused--;
}

void __d_drop(struct dentry* d) REQUIRES(dcache_lock)
{
	if (!(d->d_flags & DCACHE_UNHASHED)) {
		d->d_hash.del_init();
		d->d_flags |= DCACHE_UNHASHED;
	}
}

void free_name(struct dentry* d)
{
	if (d->d_name.name != reinterpret_cast<const char*>(d->d_iname))
		kfree(const_cast<char*>(d->d_name.name));
}

/* unlink a dentry with count 0 from the tree; returns its parent (whose
 * reference the caller drops) and the inode (to iput) */
struct dentry* __dentry_kill(struct dentry* d, struct inode** inode) REQUIRES(dcache_lock)
{
	if (d->d_flags & DCACHE_LRU_LIST)
		d_lru_del(d);
	__d_drop(d);
	d->d_flags |= DCACHE_KILLED;
	*inode = d->d_inode;
	d->d_inode = nullptr;
	struct dentry* parent = IS_ROOT(d) ? nullptr : d->d_parent;
	d->d_child.del_init();
	return parent;
}

void d_free(struct dentry* d)
{
	free_name(d);
	kmem_cache_free(dentry_cache, d);
	dentries_alive.fetch_sub(1);
}

/* free d (count 0, unlinked by __dentry_kill) and walk up the parents
 * whose last reference that was */
void dentry_kill_chain(struct dentry* d, struct inode* inode, struct dentry* parent)
{
	for (;;) {
		if (inode && !inode->i_nlink)
			fsnotify_inoderemove(inode); /* Linux: dentry_unlink_inode */
		iput(inode);
		d_free(d);
		if (!parent)
			return;
		lib::spin_lock_guard g(dcache_lock);
		if (--parent->d_count > 0)
			return;
		if (!(parent->d_flags & DCACHE_UNHASHED)) {
			d_lru_add(parent); /* cached, unused */
			return;
		}
		d = parent;
		parent = __dentry_kill(d, &inode);
	}
}
} // namespace

void dcache_init()
{
	dentry_cache = kmem_cache_create("dentry", sizeof(struct dentry), 8,
	                                 SLAB_RECLAIM_ACCOUNT | SLAB_PANIC | SLAB_ACCOUNT, nullptr);
	lib::spin_lock_guard g(dcache_lock);
	for (auto& h : dentry_hashtable)
		h.init();
}

long nr_dentries()
{
	return dentries_alive.load();
}

long nr_dentries_unused(struct super_block* sb)
{
	lib::spin_lock_guard g(dcache_lock);
	return sb->s_nr_dentry_unused;
}

bool d_unhashed(const struct dentry* d)
{
	return __atomic_load_n(&d->d_flags, __ATOMIC_RELAXED) & DCACHE_UNHASHED;
}

unsigned int full_name_hash(const void* salt, const char* name, unsigned int len)
{
	/* FNV-1a mixed with the salt (Linux hashes a word at a time) */
	uint64_t h = 0xcbf29ce484222325ULL ^ reinterpret_cast<uintptr_t>(salt);
	for (unsigned i = 0; i < len; i++) {
		h ^= static_cast<unsigned char>(name[i]);
		h *= 0x100000001b3ULL;
	}
	return unsigned(h ^ (h >> 32));
}

struct dentry* dget(struct dentry* d)
{
	if (!d)
		return d;
	lib::spin_lock_guard g(dcache_lock);
	if (d->d_count++ == 0 && (d->d_flags & DCACHE_LRU_LIST))
		d_lru_del(d);
	return d;
}

struct dentry* dget_parent(struct dentry* d)
{
	lib::spin_lock_guard g(dcache_lock);
	struct dentry* p = d->d_parent;
	if (p->d_count++ == 0 && (p->d_flags & DCACHE_LRU_LIST))
		d_lru_del(p);
	return p;
}

void dput(struct dentry* d)
{
	if (!d)
		return;
	struct inode* inode;
	struct dentry* parent;
	{
		lib::spin_lock_guard g(dcache_lock);
		WARN_ON(d->d_count <= 0);
		if (--d->d_count > 0)
			return;
		if (!(d->d_flags & DCACHE_UNHASHED) && !IS_ROOT(d)) {
			d_lru_add(d); /* stays cached until pruned */
			return;
		}
		if (IS_ROOT(d) && !(d->d_flags & DCACHE_UNHASHED)) {
			/* a file system's root: freed by shrink_dcache_for_umount */
			return;
		}
		parent = __dentry_kill(d, &inode);
	}
	dentry_kill_chain(d, inode, parent);
}

static struct dentry* __d_alloc(struct super_block* sb, const struct qstr* name)
{
	auto* d = static_cast<struct dentry*>(kmem_cache_zalloc(dentry_cache, GFP_KERNEL));
	if (!d)
		return nullptr;
	char* dname = reinterpret_cast<char*>(d->d_iname);
	if (name->len >= DNAME_INLINE_LEN) {
		dname = static_cast<char*>(kmalloc(name->len + 1, GFP_KERNEL));
		if (!dname) {
			kmem_cache_free(dentry_cache, d);
			return nullptr;
		}
	}
	lib::memcpy(dname, name->name, name->len);
	dname[name->len] = '\0';
	d->d_name = {dname, name->len, name->hash};
	d->d_count = 1;
	d->d_flags = DCACHE_UNHASHED;
	d->d_sb = sb;
	d->d_parent = d;
	d->d_hash.init();
	d->d_lru.init();
	d->d_child.init();
	d->d_subdirs.init();
	dentries_alive.fetch_add(1);
	return d;
}

struct dentry* d_alloc(struct dentry* parent, const struct qstr* name)
{
	struct dentry* d = __d_alloc(parent->d_sb, name);
	if (!d)
		return nullptr;
	lib::spin_lock_guard g(dcache_lock);
	if (parent->d_count++ == 0 && (parent->d_flags & DCACHE_LRU_LIST))
		d_lru_del(parent);
	d->d_parent = parent;
	parent->d_subdirs.add(&d->d_child);
	return d;
}

struct dentry* d_make_root(struct inode* root_inode)
{
	if (!root_inode)
		return nullptr;
	static const struct qstr slash = {"/", 1, 0};
	struct dentry* d = __d_alloc(root_inode->i_sb, &slash);
	if (!d) {
		iput(root_inode);
		return nullptr;
	}
	lib::spin_lock_guard g(dcache_lock);
	d->d_inode = root_inode;
	d->d_flags &= ~DCACHE_UNHASHED; /* a root is "hashed" (kept) but in no bucket */
	return d;
}

struct dentry* d_lookup(struct dentry* parent, const struct qstr* name)
{
	lib::spin_lock_guard g(dcache_lock);
	lib::list_head* head = d_hash(parent, name->hash);
	struct dentry* d;
	list_for_each_entry(d, head, d_hash)
	{
		if (d->d_parent != parent || d->d_name.hash != name->hash || d->d_name.len != name->len)
			continue;
		if (lib::memcmp(d->d_name.name, name->name, name->len))
			continue;
		if (d->d_count++ == 0 && (d->d_flags & DCACHE_LRU_LIST))
			d_lru_del(d);
		return d;
	}
	return nullptr;
}

void d_instantiate(struct dentry* dentry, struct inode* inode)
{
	lib::spin_lock_guard g(dcache_lock);
	WARN_ON(dentry->d_inode);
	dentry->d_inode = inode;
}

void d_rehash(struct dentry* dentry)
{
	lib::spin_lock_guard g(dcache_lock);
	if (dentry->d_flags & DCACHE_UNHASHED) {
		d_hash(dentry->d_parent, dentry->d_name.hash)->add(&dentry->d_hash);
		dentry->d_flags &= ~DCACHE_UNHASHED;
	}
}

void d_add(struct dentry* dentry, struct inode* inode)
{
	if (inode)
		d_instantiate(dentry, inode);
	d_rehash(dentry);
}

void d_drop(struct dentry* dentry)
{
	lib::spin_lock_guard g(dcache_lock);
	__d_drop(dentry);
}

void d_delete(struct dentry* dentry)
{
	struct inode* inode = nullptr;
	{
		lib::spin_lock_guard g(dcache_lock);
		if (dentry->d_count == 1) {
			/* only the caller has it: it becomes a negative entry */
			inode = dentry->d_inode;
			dentry->d_inode = nullptr;
		} else {
			__d_drop(dentry); /* others still use it: out of the hash */
		}
	}
	if (inode && !inode->i_nlink)
		fsnotify_inoderemove(inode); /* Linux: dentry_unlink_inode */
	iput(inode);
}

namespace
{
/* give d name's bytes, keeping whichever storage fits */
void switch_names(struct dentry* a, struct dentry* b) REQUIRES(dcache_lock)
{
	bool a_inl = a->d_name.name == reinterpret_cast<const char*>(a->d_iname);
	bool b_inl = b->d_name.name == reinterpret_cast<const char*>(b->d_iname);
	unsigned char tmp[DNAME_INLINE_LEN];
	lib::memcpy(tmp, a->d_iname, DNAME_INLINE_LEN);
	lib::memcpy(a->d_iname, b->d_iname, DNAME_INLINE_LEN);
	lib::memcpy(b->d_iname, tmp, DNAME_INLINE_LEN);
	struct qstr an = a->d_name, bn = b->d_name;
	a->d_name = bn;
	b->d_name = an;
	if (b_inl)
		a->d_name.name = reinterpret_cast<const char*>(a->d_iname);
	if (a_inl)
		b->d_name.name = reinterpret_cast<const char*>(b->d_iname);
}

void __d_move(struct dentry* dentry, struct dentry* target, bool exchange) REQUIRES(dcache_lock)
{
	__d_drop(dentry);
	__d_drop(target);
	switch_names(dentry, target);
	struct dentry* old_parent = dentry->d_parent;
	dentry->d_parent = target->d_parent;
	target->d_parent = old_parent;
	dentry->d_child.del_init();
	target->d_child.del_init();
	dentry->d_parent->d_subdirs.add(&dentry->d_child);
	target->d_parent->d_subdirs.add(&target->d_child);
	d_hash(dentry->d_parent, dentry->d_name.hash)->add(&dentry->d_hash);
	dentry->d_flags &= ~DCACHE_UNHASHED;
	if (exchange) {
		d_hash(target->d_parent, target->d_name.hash)->add(&target->d_hash);
		target->d_flags &= ~DCACHE_UNHASHED;
	}
}
} // namespace

/* after a rename: dentry now lives where target was, and target (which
 * the rename replaced, or which was negative) is left unhashed under
 * dentry's old parent and name.  The parent references move with the
 * d_parent pointers: each parent keeps exactly one per child. */
void d_move(struct dentry* dentry, struct dentry* target)
{
	lib::spin_lock_guard g(dcache_lock);
	__d_move(dentry, target, false);
}

void d_exchange(struct dentry* d1, struct dentry* d2)
{
	lib::spin_lock_guard g(dcache_lock);
	__d_move(d1, d2, true);
}

bool is_subdir(struct dentry* d, struct dentry* ancestor)
{
	lib::spin_lock_guard g(dcache_lock);
	for (;;) {
		if (d == ancestor)
			return true;
		if (IS_ROOT(d))
			return false;
		d = d->d_parent;
	}
}

long prune_dcache_sb(struct super_block* sb, long nr)
{
	long freed = 0;
	while (freed < nr) {
		struct dentry* d;
		struct inode* inode;
		struct dentry* parent;
		{
			lib::spin_lock_guard g(dcache_lock);
			d = list_first_entry_or_null(&sb->s_dentry_lru, struct dentry, d_lru);
			if (!d)
				break;
			/* only a leaf can go: a dentry with children is pinned by them */
			parent = __dentry_kill(d, &inode);
		}
		dentry_kill_chain(d, inode, parent);
		freed++;
	}
	return freed;
}

void shrink_dcache_sb(struct super_block* sb)
{
	while (prune_dcache_sb(sb, 1 << 20) > 0)
		;
}

/* drop the pinning reference of every positive dentry below root (the
 * root's own stays for the super_block): an iterative depth-first walk
 * under dcache_lock; a dentry with children keeps their references, so
 * nothing is freed here: the unused ones go on the LRU for
 * shrink_dcache_sb, leaves first */
void d_genocide(struct dentry* root)
{
	lib::spin_lock_guard g(dcache_lock);
	struct dentry* this_parent = root;
	lib::list_head* next = root->d_subdirs.next;
	for (;;) {
		while (next != &this_parent->d_subdirs) {
			struct dentry* d = list_entry(next, struct dentry, d_child);
			next = next->next;
			/* an unhashed one was unlinked: its pin is gone already */
			if (d->d_inode && !(d->d_flags & (DCACHE_GENOCIDE | DCACHE_UNHASHED))) {
				d->d_flags |= DCACHE_GENOCIDE;
				if (--d->d_count == 0)
					d_lru_add(d);
			}
			if (!d->d_subdirs.empty()) {
				this_parent = d;
				next = d->d_subdirs.next;
			}
		}
		if (this_parent == root)
			break;
		next = this_parent->d_child.next;
		this_parent = this_parent->d_parent;
	}
}

void shrink_dcache_for_umount(struct super_block* sb)
{
	struct dentry* root = sb->s_root;
	d_genocide(root);
	shrink_dcache_sb(sb);
	struct inode* inode;
	{
		lib::spin_lock_guard g(dcache_lock);
		if (!root->d_subdirs.empty() || root->d_count != 1)
			pr_err("BUG: Dentry %p{i=%lx,n=%s} still in use (%d) [unmount of %s]\n", root,
			       root->d_inode ? root->d_inode->i_ino : 0UL, root->d_name.name, root->d_count,
			       sb->s_type->name);
		root->d_count = 0;
		(void)__dentry_kill(root, &inode);
	}
	iput(inode);
	d_free(root);
	sb->s_root = nullptr;
}

lib::Result<char*> d_path(const struct path* path, const struct path* root, char* buf, int buflen)
{
	char* end = buf + buflen;
	char* p = end;
	auto prepend = [&](const char* s, unsigned len) -> bool {
		if (p - buf < long(len))
			return false;
		p -= len;
		lib::memcpy(p, s, len);
		return true;
	};
	if (!prepend("", 1))
		return lib::Error{ENAMETOOLONG};
	struct path cur = *path;
	path_get(&cur);
	bool ok = true;
	for (;;) {
		if (path_equal(&cur, root))
			break;
		if (cur.dentry == cur.mnt->mnt_root) {
			if (!follow_up(&cur))
				break; /* the walk left root's tree: stop at the top */
			continue;
		}
		struct dentry* d = cur.dentry;
		bool fits;
		{
			lib::spin_lock_guard g(dcache_lock); /* the name cannot change under us */
			fits = prepend(d->d_name.name, d->d_name.len) && prepend("/", 1);
		}
		if (!fits) {
			ok = false;
			break;
		}
		cur.dentry = dget_parent(d);
		dput(d);
	}
	path_put(&cur);
	if (!ok)
		return lib::Error{ENAMETOOLONG};
	if (*p == '\0') {
		if (!prepend("/", 1))
			return lib::Error{ENAMETOOLONG};
	}
	return p;
}
