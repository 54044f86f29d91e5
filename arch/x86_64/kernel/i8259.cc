/*
 * The legacy 8259A interrupt controllers (Linux: arch/x86/kernel/i8259.c
 * init_8259A, mask_8259A).
 *
 * The PC's two cascaded PICs power up delivering IRQ 0-7 on vectors
 * 0x08-0x0f, on top of CPU exceptions.  They are reprogrammed (ICW1-4)
 * to ISA_IRQ_VECTOR(0..15) = 0x30-0x3f, as Linux does, and then every
 * line is masked: device interrupts go through the IO-APIC, and the local
 * APIC's LINT0, where the PIC's output arrives, is masked as well.
 *
 * Invariant: after legacy_pic_init() both interrupt mask registers are
 * 0xff.  Lock order: boot only, no lock (Linux: i8259A_lock).
 */
#include <arch/apic.h>
#include <arch/io.h>
#include <arch/irq_vectors.h>

namespace
{
constexpr uint16_t PIC_MASTER_CMD = 0x20, PIC_MASTER_IMR = 0x21;
constexpr uint16_t PIC_SLAVE_CMD = 0xa0, PIC_SLAVE_IMR = 0xa1;
constexpr uint8_t PIC_CASCADE_IR = 2;
constexpr uint8_t MASTER_ICW4_DEFAULT = 0x01, SLAVE_ICW4_DEFAULT = 0x01;

/* the PICs want a little time between init words: a write to port 0x80 */
void outb_pic(uint8_t v, uint16_t port)
{
	outb(v, port);
	outb(0, 0x80);
}
} // namespace

void legacy_pic_init()
{
	outb(0xff, PIC_MASTER_IMR);
	outb(0xff, PIC_SLAVE_IMR);
	outb_pic(0x11, PIC_MASTER_CMD);                 /* ICW1: edge, cascade, ICW4 follows */
	outb_pic(ISA_IRQ_VECTOR(0), PIC_MASTER_IMR);    /* ICW2: IRQ 0-7 -> 0x30-0x37 */
	outb_pic(1u << PIC_CASCADE_IR, PIC_MASTER_IMR); /* ICW3: slave on IR2 */
	outb_pic(MASTER_ICW4_DEFAULT, PIC_MASTER_IMR);  /* ICW4: 8086 mode, normal EOI */
	outb_pic(0x11, PIC_SLAVE_CMD);
	outb_pic(ISA_IRQ_VECTOR(8), PIC_SLAVE_IMR); /* IRQ 8-15 -> 0x38-0x3f */
	outb_pic(PIC_CASCADE_IR, PIC_SLAVE_IMR);
	outb_pic(SLAVE_ICW4_DEFAULT, PIC_SLAVE_IMR);
	/* mask_all */
	outb(0xff, PIC_MASTER_IMR);
	outb(0xff, PIC_SLAVE_IMR);
}

uint16_t legacy_pic_read_imr()
{
	return uint16_t(inb(PIC_MASTER_IMR) | (inb(PIC_SLAVE_IMR) << 8));
}
