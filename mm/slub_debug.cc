/*
 * slub_debug: SLUB's object checks and reports (Linux: the
 * CONFIG_SLUB_DEBUG part of mm/slub.c).
 *
 * A debug cache (slub_debug=, or created with SLAB_RED_ZONE/SLAB_POISON/
 * SLAB_STORE_USER/SLAB_CONSISTENCY_CHECKS) lays each object slot out as
 *     [left red zone][object][right red zone][free pointer][alloc track]
 *     [free track][padding]
 * with the red zones 0xcc while allocated and 0xbb while free, a free
 * object filled with 0x6b and ended by 0xa5, padding 0x5a.  mm/slub.cc
 * calls alloc_debug_processing/free_debug_processing on every allocation
 * and free of such a cache, under the node's list_lock; they check the
 * slab, the object's place in it, its red zones, poison and padding, and
 * record the caller (struct track: address, CPU, pid, jiffies).
 *
 * A finding prints Linux's report: slab_bug's "BUG <cache> (<taint>):
 * <what>" between rules, "INFO:" lines, the tracks, the slab, a hex dump
 * of the object and its surroundings (print_section, 16 bytes a line with
 * their ASCII) and a backtrace; then taints the kernel B (TAINT_BAD_PAGE)
 * and repairs what it can ("FIX <cache>: Restoring ..."), so the
 * allocator stays consistent and the kernel goes on.
 *
 * slub_debug[=options[,cache names]] (setup_slub_debug): F Z P U select
 * consistency checks, red zones, poison, user tracking; no option means
 * all four; T A O are accepted and ignored; '-' turns it off.
 *
 * Lock order: called with the node's list_lock held (or on a slab no one
 * else can see yet); takes no lock but the console's.
 */
#include "slab.h"
#include <kernel/jiffies.h>
#include <kernel/panic.h>
#include <kernel/params.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <lib/format.h>
#include <lib/string.h>
#include <uapi/asm-generic/errno-base.h>
#if !__STDC_HOSTED__
#include <kernel/sched.h>
#endif

namespace slub
{
slab_flags_t slub_debug;
char slub_debug_names[128];

/* ------------------------------------------------------------- reports */

static void print_section(const char* text, const uint8_t* addr, unsigned len)
{
	for (unsigned i = 0; i < len; i += 16) {
		char line[128];
		int n = lib::scnprintf(line, sizeof(line), "%s%016lx: ", text, (unsigned long)(addr + i));
		unsigned m = len - i < 16 ? len - i : 16;
		for (unsigned j = 0; j < 16; j++)
			n += j < m ? lib::scnprintf(line + n, sizeof(line) - n, "%02x ", addr[i + j])
			           : lib::scnprintf(line + n, sizeof(line) - n, "   ");
		n += lib::scnprintf(line + n, sizeof(line) - n, " ");
		for (unsigned j = 0; j < m; j++) {
			uint8_t ch = addr[i + j];
			line[n++] = ch >= 0x20 && ch < 0x7f ? char(ch) : '.';
		}
		line[n] = '\0';
		pr_err("%s\n", line);
	}
}

void slab_bug(const struct kmem_cache* s, const char* fmt, ...)
{
	char msg[160];
	va_list ap;
	va_start(ap, fmt);
	lib::vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("=============================================================================\n");
	pr_err("BUG %s (%s): %s\n", s->name, print_tainted(), msg);
	pr_err("-----------------------------------------------------------------------------\n\n");
}

void slab_fix(const struct kmem_cache* s, const char* fmt, ...)
{
	char msg[160];
	va_list ap;
	va_start(ap, fmt);
	lib::vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("FIX %s: %s\n", s->name, msg);
}

/* the public entry point that found the problem, and who called it */
void print_caller(const char* op, const void* object, unsigned long caller)
{
	pr_err("INFO: %s(0x%p) called from %pS\n", op, object, reinterpret_cast<void*>(caller));
}

static void print_track(const char* what, const struct track* t, unsigned long now)
{
	if (!t->addr)
		return;
	pr_err("%s in %pS age=%lu cpu=%u pid=%d\n", what, reinterpret_cast<void*>(t->addr), now - t->when,
	       unsigned(t->cpu), t->pid);
}

void print_tracking(const struct kmem_cache* s, void* object)
{
	if (!(s->flags & SLAB_STORE_USER))
		return;
	unsigned long now = jiffies;
	print_track("Allocated", get_track(s, object, TRACK_ALLOC), now);
	print_track("Freed", get_track(s, object, TRACK_FREE), now);
}

void print_page_info(const struct page* page)
{
	pr_err("Slab 0x%p objects=%u used=%u fp=0x%p flags=%#lx\n", static_cast<const void*>(page), page->objects,
	       page->inuse, page->freelist, page_flags(page) & PAGE_FLAGS_MASK);
}

static void print_trailer(const struct kmem_cache* s, const struct page* page, uint8_t* p)
{
	uint8_t* addr = slab_address(page);
	print_tracking(s, p);
	print_page_info(page);
	pr_err("Object 0x%p @offset=%lu fp=0x%p\n\n", static_cast<void*>(p), (unsigned long)(p - addr),
	       get_freepointer(s, p));
	if (s->flags & SLAB_RED_ZONE)
		print_section("Redzone  ", p - s->red_left_pad, s->red_left_pad);
	else if (p >= addr + 16)
		print_section("Bytes b4 ", p - 16, 16);
	print_section("Object   ", p, s->object_size < MAX_DUMP ? s->object_size : MAX_DUMP);
	if (s->flags & SLAB_RED_ZONE)
		print_section("Redzone  ", p + s->object_size, s->inuse - s->object_size);
	unsigned off = get_info_end(s);
	if (s->flags & SLAB_STORE_USER)
		off += 2 * unsigned(sizeof(struct track));
	if (off != size_from_object(s))
		print_section("Padding  ", p + off, size_from_object(s) - off);
	dump_stack();
}

__attribute__((noinline, cold)) void object_err(const struct kmem_cache* s, const struct page* page, void* object,
                                                const char* reason, const char* op, unsigned long caller)
{
	slab_bug(s, "%s", reason);
	print_caller(op, object, caller);
	print_trailer(s, page, static_cast<uint8_t*>(object));
	add_taint(TAINT_BAD_PAGE);
}

__attribute__((noinline, cold)) void slab_err(const struct kmem_cache* s, const struct page* page, const char* op,
                                              const void* object, unsigned long caller, const char* fmt, ...)
{
	char msg[160];
	va_list ap;
	va_start(ap, fmt);
	lib::vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	slab_bug(s, "%s", msg);
	if (op)
		print_caller(op, object, caller);
	if (page)
		print_page_info(page);
	dump_stack();
	add_taint(TAINT_BAD_PAGE);
}

/* ------------------------------------------------------ debug checks */

/* all bytes == value, or report the corrupted range and restore it */
static bool check_bytes_and_report(const struct kmem_cache* s, const struct page* page, uint8_t* object,
                                   const char* what, uint8_t* start, uint8_t value, unsigned bytes, const char* op,
                                   unsigned long caller)
{
	uint8_t* fault = nullptr;
	for (unsigned i = 0; i < bytes; i++) {
		if (start[i] != value) {
			fault = start + i;
			break;
		}
	}
	if (!fault)
		return true;
	uint8_t* end = start + bytes;
	while (end > fault && end[-1] == value)
		end--;
	slab_bug(s, "%s overwritten", what);
	print_caller(op, object, caller);
	pr_err("INFO: 0x%p-0x%p @offset=%lu. First byte 0x%x instead of 0x%x\n", static_cast<void*>(fault),
	       static_cast<void*>(end - 1), (unsigned long)(fault - slab_address(page)), fault[0], value);
	print_trailer(s, page, object);
	add_taint(TAINT_BAD_PAGE);
	slab_fix(s, "Restoring %s 0x%p-0x%p=0x%x", what, static_cast<void*>(fault), static_cast<void*>(end - 1), value);
	lib::memset(fault, value, size_t(end - fault));
	return false;
}

static bool check_pad_bytes(const struct kmem_cache* s, const struct page* page, uint8_t* p, const char* op,
                            unsigned long caller)
{
	unsigned off = get_info_end(s);
	if (s->flags & SLAB_STORE_USER)
		off += 2 * unsigned(sizeof(struct track));
	if (size_from_object(s) == off)
		return true;
	return check_bytes_and_report(s, page, p, "Object padding", p + off, POISON_INUSE, size_from_object(s) - off,
	                              op, caller);
}

/* Linux's check_object: val is SLUB_RED_ACTIVE for an allocated object */
bool check_object(const struct kmem_cache* s, const struct page* page, void* object, uint8_t val, const char* op,
                  unsigned long caller)
{
	uint8_t* p = static_cast<uint8_t*>(object);
	uint8_t* endobject = p + s->object_size;
	if (s->flags & SLAB_RED_ZONE) {
		if (!check_bytes_and_report(s, page, p, "Left Redzone", p - s->red_left_pad, val, s->red_left_pad, op,
		                            caller))
			return false;
		if (!check_bytes_and_report(s, page, p, "Right Redzone", endobject, val, s->inuse - s->object_size, op,
		                            caller))
			return false;
	} else if ((s->flags & SLAB_POISON) && s->object_size < s->inuse) {
		if (!check_bytes_and_report(s, page, p, "Alignment padding", endobject, POISON_INUSE,
		                            s->inuse - s->object_size, op, caller))
			return false;
	}
	if (s->flags & SLAB_POISON) {
		if (val != SLUB_RED_ACTIVE && (s->flags & __OBJECT_POISON) &&
		    (!check_bytes_and_report(s, page, p, "Poison", p, POISON_FREE, s->object_size - 1, op, caller) ||
		     !check_bytes_and_report(s, page, p, "End Poison", p + s->object_size - 1, POISON_END, 1, op,
		                             caller)))
			return false;
		if (!check_pad_bytes(s, page, p, op, caller))
			return false;
	}
	/* an allocated object owns the bytes of an inside free pointer */
	if (!freeptr_outside_object(s) && val == SLUB_RED_ACTIVE)
		return true;
	if (!check_valid_pointer(s, page, get_freepointer(s, p))) {
		object_err(s, page, p, "Freepointer corrupt", op, caller);
		set_freepointer(s, p, nullptr);
		return false;
	}
	return true;
}

void init_object(const struct kmem_cache* s, void* object, uint8_t val)
{
	uint8_t* p = static_cast<uint8_t*>(object);
	if (s->flags & SLAB_RED_ZONE)
		lib::memset(p - s->red_left_pad, val, s->red_left_pad);
	if (s->flags & __OBJECT_POISON) {
		lib::memset(p, POISON_FREE, s->object_size - 1);
		p[s->object_size - 1] = POISON_END;
	}
	if (s->flags & SLAB_RED_ZONE)
		lib::memset(p + s->object_size, val, s->inuse - s->object_size);
}

void set_track(const struct kmem_cache* s, void* object, track_item alloc, unsigned long addr)
{
	struct track* t = get_track(s, object, alloc);
	t->addr = addr;
	t->cpu = int(smp_processor_id());
#if __STDC_HOSTED__
	t->pid = 0; /* host tests: there are no tasks */
#else
	t->pid = task_pid_nr(current);
#endif
	t->when = jiffies;
}

/* is search on the slab's freelist (list_lock held) */
bool on_freelist(const struct kmem_cache* s, const struct page* page, void* search)
{
	void* fp = page->freelist;
	for (unsigned nr = 0; fp && nr <= page->objects; nr++) {
		if (fp == search)
			return true;
		if (!check_valid_pointer(s, page, fp))
			return false; /* a corrupt chain; check_object reports it */
		fp = get_freepointer(s, fp);
	}
	return false;
}

static bool check_slab(const struct kmem_cache* s, const struct page* page, const char* op, unsigned long caller)
{
	if (!PageSlab(page)) {
		slab_err(s, page, op, nullptr, caller, "Not a valid slab page");
		return false;
	}
	unsigned maxobj = (PAGE_SIZE << slab_order(page)) / s->size;
	if (page->objects > maxobj || page->inuse > page->objects) {
		slab_err(s, page, op, nullptr, caller, "objects %u inuse %u max %u", page->objects, page->inuse,
		         maxobj);
		return false;
	}
	return true;
}

bool alloc_debug_processing(const struct kmem_cache* s, struct page* page, void* object, unsigned long caller)
{
	if (s->flags & SLAB_CONSISTENCY_CHECKS) {
		if (!check_slab(s, page, "kmem_cache_alloc", caller))
			goto bad;
		if (!check_valid_pointer(s, page, object)) {
			object_err(s, page, object, "Freelist Pointer check fails", "kmem_cache_alloc", caller);
			goto bad;
		}
		if (!check_object(s, page, object, SLUB_RED_INACTIVE, "kmem_cache_alloc", caller))
			goto bad;
	}
	if (s->flags & SLAB_STORE_USER)
		set_track(s, object, TRACK_ALLOC, caller);
	init_object(s, object, SLUB_RED_ACTIVE);
	return true;
bad:
	/* as Linux: give up the rest of this slab rather than hand out suspect memory */
	slab_fix(s, "Marking all objects used");
	return false;
}

bool free_debug_processing(const struct kmem_cache* s, struct page* page, void* object, const char* op,
                           unsigned long caller)
{
	if (s->flags & SLAB_CONSISTENCY_CHECKS) {
		if (!check_slab(s, page, op, caller))
			goto fail;
		if (on_freelist(s, page, object)) {
			object_err(s, page, object, "Object already free", op, caller);
			goto fail;
		}
		if (!check_object(s, page, object, SLUB_RED_ACTIVE, op, caller))
			goto fail;
	} else if (object == page->freelist) {
		object_err(s, page, object, "Object already free", op, caller);
		goto fail;
	}
	if (s->flags & SLAB_STORE_USER)
		set_track(s, object, TRACK_FREE, caller);
	init_object(s, object, SLUB_RED_INACTIVE);
	return true;
fail:
	slab_fix(s, "Object at 0x%p not freed", object);
	return false;
}

/* ------------------------------------------------ slub_debug= */

static bool name_matches(const char* name, const char* pat, size_t len)
{
	if (len && pat[len - 1] == '*')
		return lib::strncmp(name, pat, len - 1) == 0;
	return lib::strlen(name) == len && lib::strncmp(name, pat, len) == 0;
}

__attribute__((noinline, cold)) void report_wrong_cache(struct kmem_cache* s, struct kmem_cache* cachep, void* x,
                                                        const char* op, unsigned long caller)
{
	slab_bug(s, "%s: Wrong slab cache. %s but object is from %s", op, s->name, cachep->name);
	print_caller(op, x, caller);
	print_tracking(cachep, x);
	dump_stack();
	add_taint(TAINT_BAD_PAGE);
}

slab_flags_t kmem_cache_flags(slab_flags_t flags, const char* name)
{
	if (!slub_debug)
		return flags;
	if (!slub_debug_names[0])
		return flags | slub_debug;
	for (const char* p = slub_debug_names; *p;) {
		const char* comma = lib::strchr(p, ',');
		size_t len = comma ? size_t(comma - p) : lib::strlen(p);
		if (len && name_matches(name, p, len))
			return flags | slub_debug;
		p += len + (comma ? 1 : 0);
	}
	return flags;
}

} // namespace slub

using namespace slub;

/* slub_debug[=options[,cache names]]: F Z P U (T A O accepted, ignored), - off */
lib::Result<void> setup_slub_debug(std::string_view val)
{
	slab_flags_t flags = 0;
	bool any_letter = false;
	size_t i = 0;
	for (; i < val.size() && val[i] != ','; i++) {
		any_letter = true;
		switch (val[i] >= 'a' && val[i] <= 'z' ? char(val[i] - 32) : val[i]) {
		case 'F':
			flags |= SLAB_CONSISTENCY_CHECKS;
			break;
		case 'Z':
			flags |= SLAB_RED_ZONE;
			break;
		case 'P':
			flags |= SLAB_POISON;
			break;
		case 'U':
			flags |= SLAB_STORE_USER;
			break;
		case 'T':
		case 'A':
		case 'O':
			break;
		case '-':
			flags = 0;
			break;
		default:
			pr_err("slub_debug option '%c' unknown. skipped\n", val[i]);
			break;
		}
	}
	if (!any_letter && (val.empty() || val[0] == ','))
		flags = DEBUG_DEFAULT_FLAGS;
	slub_debug = flags;
	slub_debug_names[0] = '\0';
	if (i < val.size()) { /* ",name[,name...]" */
		std::string_view names = val.substr(i + 1);
		if (names.size() >= sizeof(slub_debug_names))
			return lib::Error{EINVAL};
		lib::memcpy(slub_debug_names, names.data(), names.size());
		slub_debug_names[names.size()] = '\0';
	}
	return lib::ok();
}

static lib::Result<void> setup_slub_debug_param(std::string_view val)
{
	return setup_slub_debug(val);
}
early_param("slub_debug", setup_slub_debug_param);
