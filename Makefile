# monolith — the two commands: `make run` boots it, `make test` tests it.
# Everything else is here for developers: see README.md.
BUILD ?= build
JOBS ?= $(shell nproc)
QEMU ?= qemu-system-x86_64
APPEND ?=
MEM ?= 512M
SMP ?= 2
QEMU_COMMON = -machine pc -m $(MEM) -smp $(SMP) -no-reboot

.PHONY: all deps build run run-bios run-uefi test test-host fuzz soak debug iso clean

all: build

deps:
	@tools/install-deps.sh

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

# boot with QEMU -kernel (PVH); the serial console is this terminal (Ctrl-A X quits)
run: build
	$(QEMU) $(QEMU_COMMON) -nographic -serial mon:stdio \
		-kernel $(BUILD)/vmlinux -append "console=ttyS0 $(APPEND)"

iso: build
	cmake --build $(BUILD) --target iso

# boot through GRUB from the rescue ISO, on SeaBIOS or on UEFI (OVMF)
run-bios: iso
	$(QEMU) $(QEMU_COMMON) -nographic -serial mon:stdio -cdrom $(BUILD)/monolith.iso
run-uefi: iso
	$(QEMU) $(QEMU_COMMON) -nographic -serial mon:stdio -bios /usr/share/ovmf/OVMF.fd \
		-cdrom $(BUILD)/monolith.iso

# all three levels: host unit tests, in-kernel tests, QEMU end-to-end tests
test: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

test-host: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) -L host

# one fuzz target for longer than make test's FUZZ_SECONDS (tests/fuzz/):
# make fuzz T=inflate SECONDS=600; new inputs go to build/tests/fuzz/work/T/
T ?= inflate
SECONDS ?= 600
fuzz: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) --target fuzz_$(T)
	$(BUILD)/tests/fuzz/fuzz_$(T) -max_total_time=$(SECONDS) -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix=$(BUILD)/tests/fuzz/artifacts/$(T)- \
		$$(tr ';' ' ' < $(BUILD)/tests/fuzz/fuzz_$(T).corpus)

# the QEMU tests many times, to find flakes (not part of make test):
# N whole-suite boots on each of SOAK_SMP's CPU counts (SMP=4 for one count),
# each other QEMU test E2E_N times (default N/5); a table of failures/runs
N ?= 10
SOAK_SMP ?= $(if $(filter command line,$(origin SMP)),$(SMP),2$(comma)4)
comma := ,
soak: build
	tools/qemu/soak.py --build $(BUILD) -n $(N) --smp $(SOAK_SMP) $(if $(E2E_N),--e2e-n $(E2E_N)) --jobs $(JOBS)

# QEMU halted with its gdb stub, gdb attached to the kernel's symbols (nokaslr)
debug: build
	SMP=$(SMP) tools/qemu/debug.sh $(BUILD)/vmlinux "console=ttyS0 nokaslr $(APPEND)"

clean:
	rm -rf $(BUILD)
