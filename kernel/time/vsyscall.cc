/*
 * Keeping the vDSO's data page current (Linux: kernel/time/vsyscall.c
 * update_vsyscall, arch/x86/include/asm/vdso/vsyscall.h).
 *
 * vdso_data_page is one kernel page (in .data, page aligned) that every
 * process maps read-only as the first page of its [vvar] area.  The
 * timekeeping code calls update_vsyscall() under timekeeper_lock
 * whenever what the vDSO reads changes: the TSC conversion at boot, the
 * realtime offset, the coarse clocks at every tick.  The writes follow
 * the seqcount protocol the vDSO's readers use (<arch/vdso.h>).
 */
#include <arch/vdso.h>
#include <kernel/seqlock.h>
#include <kernel/time.h>
#include <kernel/timekeeping.h>

union vdso_data_store {
	struct vdso_data data;
	char page[4096];
};
__attribute__((aligned(4096))) union vdso_data_store vdso_data_page;

void update_vsyscall(int64_t offs_real, int64_t coarse_mono)
{
	struct vdso_data* vd = &vdso_data_page.data;
	seqcount_t* seq = reinterpret_cast<seqcount_t*>(&vd->seq);
	write_seqcount_begin(seq);
	vd->clock_mode = cyc2ns_mul ? VDSO_CLOCKMODE_TSC : VDSO_CLOCKMODE_NONE;
	vd->tsc_base = tsc_base;
	vd->cyc2ns_mul = cyc2ns_mul;
	vd->offs_real = offs_real;
	vd->coarse_mono = coarse_mono;
	write_seqcount_end(seq);
}

void update_vsyscall_tz(int minuteswest, int dsttime)
{
	struct vdso_data* vd = &vdso_data_page.data;
	seqcount_t* seq = reinterpret_cast<seqcount_t*>(&vd->seq);
	write_seqcount_begin(seq);
	vd->tz_minuteswest = minuteswest;
	vd->tz_dsttime = dsttime;
	write_seqcount_end(seq);
}
