/*
 * drivers/virtio/virtio_mmio.c - the virtio-mmio transport (virtio 1.x
 * §4.2): version 2 (modern) and version 1 (legacy, QEMU microvm's default
 * unless -global virtio-mmio.force-legacy=false). Devices come from the
 * kernel command line (virtio_mmio.device=<size>@<addr>:<irq>) or from
 * probing the microvm slots (drivers/drivers.c). One level-triggered
 * IOAPIC line per device.
 * Layer: drivers. Callers: drivers/drivers.c (virtio_mmio_probe).
 */
#include "drivers/virtio/virtio.h"
#include "drivers/virtio/virtio_mmio.h"
#include "lib/format.h"

#define VMMIO_MAGIC		 0x000
#define VMMIO_VERSION		 0x004
#define VMMIO_DEVICE_ID		 0x008
#define VMMIO_DEV_FEATURES	 0x010
#define VMMIO_DEV_FEATURES_SEL	 0x014
#define VMMIO_DRV_FEATURES	 0x020
#define VMMIO_DRV_FEATURES_SEL	 0x024
#define VMMIO_LEGACY_PAGE_SIZE	 0x028
#define VMMIO_QUEUE_SEL		 0x030
#define VMMIO_QUEUE_NUM_MAX	 0x034
#define VMMIO_QUEUE_NUM		 0x038
#define VMMIO_LEGACY_QUEUE_ALIGN 0x03c
#define VMMIO_LEGACY_QUEUE_PFN	 0x040
#define VMMIO_QUEUE_READY	 0x044
#define VMMIO_QUEUE_NOTIFY	 0x050
#define VMMIO_INT_STATUS	 0x060
#define VMMIO_INT_ACK		 0x064
#define VMMIO_STATUS		 0x070
#define VMMIO_QUEUE_DESC	 0x080
#define VMMIO_QUEUE_DRIVER	 0x090
#define VMMIO_QUEUE_DEVICE	 0x0a0
#define VMMIO_CONFIG_GEN	 0x0fc
#define VMMIO_CONFIG		 0x100

struct vmmio {
	struct virtio_dev vd;
	volatile u8 *base;
	u64 phys;
	u32 gsi;
	char name[40];
};

static struct vmmio *to_vmmio(struct virtio_dev *vd)
{
	return vd->transport_priv;
}

static u32 rd(struct vmmio *m, u32 off)
{
	return mmio_read32(m->base + off);
}

static void wr(struct vmmio *m, u32 off, u32 v)
{
	mmio_write32(m->base + off, v);
}

static u64 vmmio_get_features(struct virtio_dev *vd)
{
	struct vmmio *m = to_vmmio(vd);
	u64 f;

	wr(m, VMMIO_DEV_FEATURES_SEL, 0);
	f = rd(m, VMMIO_DEV_FEATURES);
	if (!vd->legacy) {
		wr(m, VMMIO_DEV_FEATURES_SEL, 1);
		f |= (u64)rd(m, VMMIO_DEV_FEATURES) << 32;
	}
	return f;
}

static void vmmio_set_features(struct virtio_dev *vd, u64 f)
{
	struct vmmio *m = to_vmmio(vd);

	wr(m, VMMIO_DRV_FEATURES_SEL, 0);
	wr(m, VMMIO_DRV_FEATURES, (u32)f);
	if (!vd->legacy) {
		wr(m, VMMIO_DRV_FEATURES_SEL, 1);
		wr(m, VMMIO_DRV_FEATURES, (u32)(f >> 32));
	}
}

static u8 vmmio_get_status(struct virtio_dev *vd)
{
	return (u8)rd(to_vmmio(vd), VMMIO_STATUS);
}

static void vmmio_set_status(struct virtio_dev *vd, u8 s)
{
	wr(to_vmmio(vd), VMMIO_STATUS, s);
}

static void vmmio_read_config(struct virtio_dev *vd, u32 off, void *buf, u32 len)
{
	struct vmmio *m = to_vmmio(vd);
	u32 gen, tries = 0;

	do {
		gen = vd->legacy ? 0 : rd(m, VMMIO_CONFIG_GEN);
		for (u32 i = 0; i < len; i++)
			((u8 *)buf)[i] = mmio_read8(m->base + VMMIO_CONFIG + off + i);
	} while (!vd->legacy && gen != rd(m, VMMIO_CONFIG_GEN) && ++tries < 100);
}

static u16 vmmio_queue_max(struct virtio_dev *vd, u16 idx)
{
	struct vmmio *m = to_vmmio(vd);
	u32 max;

	wr(m, VMMIO_QUEUE_SEL, idx);
	if (!vd->legacy && rd(m, VMMIO_QUEUE_READY))
		return 0; /* already in use: not ours */
	if (vd->legacy && rd(m, VMMIO_LEGACY_QUEUE_PFN))
		return 0;
	max = rd(m, VMMIO_QUEUE_NUM_MAX);
	return (u16)MIN(max, 0xffffu);
}

static int vmmio_queue_enable(struct virtio_dev *vd, struct virtq *vq)
{
	struct vmmio *m = to_vmmio(vd);

	wr(m, VMMIO_QUEUE_SEL, vq->index);
	wr(m, VMMIO_QUEUE_NUM, vq->size);
	if (vd->legacy) {
		/* the ring layout in virtq.c is the legacy one: desc, avail,
		 * used at the next 4 KiB boundary */
		if (vq->ring_phys >> 44)
			return -ERANGE;
		wr(m, VMMIO_LEGACY_PAGE_SIZE, PAGE_SIZE);
		wr(m, VMMIO_LEGACY_QUEUE_ALIGN, PAGE_SIZE);
		wr(m, VMMIO_LEGACY_QUEUE_PFN, (u32)(vq->ring_phys / PAGE_SIZE));
	} else {
		wr(m, VMMIO_QUEUE_DESC, (u32)vq->desc_phys);
		wr(m, VMMIO_QUEUE_DESC + 4, (u32)(vq->desc_phys >> 32));
		wr(m, VMMIO_QUEUE_DRIVER, (u32)vq->avail_phys);
		wr(m, VMMIO_QUEUE_DRIVER + 4, (u32)(vq->avail_phys >> 32));
		wr(m, VMMIO_QUEUE_DEVICE, (u32)vq->used_phys);
		wr(m, VMMIO_QUEUE_DEVICE + 4, (u32)(vq->used_phys >> 32));
		wr(m, VMMIO_QUEUE_READY, 1);
	}
	vq->notify_addr = m->base + VMMIO_QUEUE_NOTIFY;
	vq->notify_value = vq->index;
	return 0;
}

static void vmmio_notify(struct virtio_dev *vd, struct virtq *vq)
{
	mmio_write32(vq->notify_addr, vq->notify_value);
}

static void vmmio_irq(void *arg)
{
	struct vmmio *m = arg;
	u32 status = rd(m, VMMIO_INT_STATUS);

	if (!status)
		return;
	wr(m, VMMIO_INT_ACK, status); /* ack first: a later completion re-raises */
	virtio_interrupt(&m->vd);
}

static int vmmio_setup_irq(struct virtio_dev *vd)
{
	struct vmmio *m = to_vmmio(vd);
	int vector = irq_alloc(vmmio_irq, m);

	if (vector < 0)
		return vector;
	return irq_route_gsi(m->gsi, vector, true, false);
}

static const struct virtio_transport vmmio_ops = {
    .get_features = vmmio_get_features,
    .set_features = vmmio_set_features,
    .get_status = vmmio_get_status,
    .set_status = vmmio_set_status,
    .read_config = vmmio_read_config,
    .queue_max = vmmio_queue_max,
    .queue_enable = vmmio_queue_enable,
    .notify = vmmio_notify,
    .setup_irq = vmmio_setup_irq,
};

bool virtio_mmio_present(volatile const u8 *base)
{
	return mmio_read32(base + VMMIO_MAGIC) == VIRTIO_MMIO_MAGIC &&
	       mmio_read32(base + VMMIO_DEVICE_ID) != 0;
}

#define VMMIO_MAX_DEVICES 32
static u64 vmmio_probed[VMMIO_MAX_DEVICES];
static unsigned vmmio_nprobed;

int virtio_mmio_probe(u64 phys, u32 gsi)
{
	struct vmmio *m;
	void *virt;
	u32 version;
	int err;

	/* the same device listed twice must not be reset under its driver */
	for (unsigned i = 0; i < vmmio_nprobed; i++)
		if (vmmio_probed[i] == phys)
			return -EEXIST;
	if (vmmio_nprobed == VMMIO_MAX_DEVICES)
		return -ENOSPC;

	err = vm_map_mmio(ALIGN_DOWN(phys, PAGE_SIZE), PAGE_SIZE, &virt);
	if (err)
		return err;
	virt = (u8 *)virt + (phys & (PAGE_SIZE - 1));
	if (!virtio_mmio_present(virt))
		return -ENODEV;
	m = kzalloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->base = virt;
	m->phys = phys;
	m->gsi = gsi;
	snprintf(m->name, sizeof(m->name), "virtio-mmio@%#llx", (unsigned long long)phys);
	m->vd.ops = &vmmio_ops;
	m->vd.name = m->name;
	m->vd.transport_priv = m;
	m->vd.device_id = rd(m, VMMIO_DEVICE_ID);
	version = rd(m, VMMIO_VERSION);
	if (version != 1 && version != 2) {
		kprintf("virtio: %s: unknown virtio-mmio version %u\n", m->name, version);
		err = -ENODEV;
		goto out_free;
	}
	m->vd.legacy = version == 1;
	vmmio_probed[vmmio_nprobed++] = phys;
	klog("virtio: %s: device %u, %s, irq %u", m->name, m->vd.device_id,
	     m->vd.legacy ? "legacy (v1)" : "modern (v2)", gsi);
	err = virtio_probe(&m->vd);
	if (err)
		goto out_free;
	return 0;

out_free:
	kfree(m);
	return err;
}
