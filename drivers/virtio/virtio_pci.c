/*
 * drivers/virtio/virtio_pci.c - the virtio 1.x PCI transport (virtio 1.x
 * §4.1): the vendor capabilities locate the common, notify, ISR and device
 * config structures in memory BARs; interrupts through MSI-X (one vector
 * for config and all queues), INTx + ISR as the fallback. Modern devices
 * (0x1040+) and transitional ones (0x1000-0x103f) that expose the modern
 * capabilities; legacy-only devices are refused with a message.
 * Layer: drivers. Callers: drivers/drivers.c (virtio_pci_probe).
 */
#include "drivers/pci.h"
#include "drivers/virtio/virtio.h"
#include "drivers/virtio/virtio_pci.h"
#include "lib/format.h"

#define VPCI_CAP_COMMON 1
#define VPCI_CAP_NOTIFY 2
#define VPCI_CAP_ISR	3
#define VPCI_CAP_DEVICE 4

/* common configuration structure offsets */
#define VPCI_DFSELECT	    0x00
#define VPCI_DF		    0x04
#define VPCI_GFSELECT	    0x08
#define VPCI_GF		    0x0c
#define VPCI_MSIX_CONFIG    0x10
#define VPCI_NUM_QUEUES	    0x12
#define VPCI_STATUS	    0x14
#define VPCI_CFG_GENERATION 0x15
#define VPCI_Q_SELECT	    0x16
#define VPCI_Q_SIZE	    0x18
#define VPCI_Q_MSIX	    0x1a
#define VPCI_Q_ENABLE	    0x1c
#define VPCI_Q_NOFF	    0x1e
#define VPCI_Q_DESC	    0x20
#define VPCI_Q_DRIVER	    0x28
#define VPCI_Q_DEVICE	    0x30
#define VPCI_NO_VECTOR	    0xffff

struct vpci {
	struct virtio_dev vd;
	struct pci_dev *pdev;
	volatile u8 *common, *notify, *isr, *device;
	u32 notify_mult;
	u32 notify_len, device_len;
	bool msix;
	char name[40];
};

static struct vpci *to_vpci(struct virtio_dev *vd)
{
	return vd->transport_priv;
}

static u64 vpci_get_features(struct virtio_dev *vd)
{
	struct vpci *p = to_vpci(vd);
	u64 f;

	mmio_write32(p->common + VPCI_DFSELECT, 0);
	f = mmio_read32(p->common + VPCI_DF);
	mmio_write32(p->common + VPCI_DFSELECT, 1);
	f |= (u64)mmio_read32(p->common + VPCI_DF) << 32;
	return f;
}

static void vpci_set_features(struct virtio_dev *vd, u64 f)
{
	struct vpci *p = to_vpci(vd);

	mmio_write32(p->common + VPCI_GFSELECT, 0);
	mmio_write32(p->common + VPCI_GF, (u32)f);
	mmio_write32(p->common + VPCI_GFSELECT, 1);
	mmio_write32(p->common + VPCI_GF, (u32)(f >> 32));
}

static u8 vpci_get_status(struct virtio_dev *vd)
{
	return mmio_read8(to_vpci(vd)->common + VPCI_STATUS);
}

static void vpci_set_status(struct virtio_dev *vd, u8 s)
{
	mmio_write8(to_vpci(vd)->common + VPCI_STATUS, s);
}

static void vpci_read_config(struct virtio_dev *vd, u32 off, void *buf, u32 len)
{
	struct vpci *p = to_vpci(vd);
	u8 gen;
	u32 tries = 0;

	if ((u64)off + len > p->device_len) {
		memset(buf, 0, len);
		return;
	}
	do {
		gen = mmio_read8(p->common + VPCI_CFG_GENERATION);
		for (u32 i = 0; i < len; i++)
			((u8 *)buf)[i] = mmio_read8(p->device + off + i);
	} while (gen != mmio_read8(p->common + VPCI_CFG_GENERATION) && ++tries < 100);
}

static u16 vpci_queue_max(struct virtio_dev *vd, u16 idx)
{
	struct vpci *p = to_vpci(vd);

	if (idx >= mmio_read16(p->common + VPCI_NUM_QUEUES))
		return 0;
	mmio_write16(p->common + VPCI_Q_SELECT, idx);
	return mmio_read16(p->common + VPCI_Q_SIZE);
}

static void wr64(volatile u8 *reg, u64 v)
{
	mmio_write32(reg, (u32)v);
	mmio_write32(reg + 4, (u32)(v >> 32));
}

static int vpci_queue_enable(struct virtio_dev *vd, struct virtq *vq)
{
	struct vpci *p = to_vpci(vd);
	u64 noff;

	mmio_write16(p->common + VPCI_Q_SELECT, vq->index);
	mmio_write16(p->common + VPCI_Q_SIZE, vq->size);
	if (p->msix) {
		mmio_write16(p->common + VPCI_Q_MSIX, 0);
		if (mmio_read16(p->common + VPCI_Q_MSIX) != 0) {
			kprintf("virtio: %s: queue %u: MSI-X vector refused\n", p->name, vq->index);
			return -EIO;
		}
	} else {
		mmio_write16(p->common + VPCI_Q_MSIX, VPCI_NO_VECTOR);
	}
	wr64(p->common + VPCI_Q_DESC, vq->desc_phys);
	wr64(p->common + VPCI_Q_DRIVER, vq->avail_phys);
	wr64(p->common + VPCI_Q_DEVICE, vq->used_phys);
	noff = (u64)mmio_read16(p->common + VPCI_Q_NOFF) * p->notify_mult;
	if (noff + 2 > p->notify_len) {
		kprintf("virtio: %s: queue %u: notify offset outside its capability\n", p->name,
			vq->index);
		return -EIO;
	}
	vq->notify_addr = p->notify + noff;
	vq->notify_value = vq->index;
	mmio_write16(p->common + VPCI_Q_ENABLE, 1);
	return 0;
}

static void vpci_notify(struct virtio_dev *vd, struct virtq *vq)
{
	mmio_write16(vq->notify_addr, vq->notify_value);
}

static void vpci_irq_msix(void *arg)
{
	struct vpci *p = arg;

	virtio_interrupt(&p->vd);
}

static void vpci_irq_intx(void *arg)
{
	struct vpci *p = arg;

	if (!(mmio_read8(p->isr) & 3)) /* reading clears it */
		return;
	virtio_interrupt(&p->vd);
}

static int vpci_setup_irq(struct virtio_dev *vd)
{
	struct vpci *p = to_vpci(vd);
	int vector, err;

	if (pci_msix_enable(p->pdev) == 0) {
		vector = irq_alloc(vpci_irq_msix, p);
		if (vector < 0)
			return vector;
		err = pci_msix_set(p->pdev, 0, vector);
		if (!err) {
			mmio_write16(p->common + VPCI_MSIX_CONFIG, 0);
			if (mmio_read16(p->common + VPCI_MSIX_CONFIG) == 0) {
				p->msix = true;
				klog("virtio: %s: MSI-X vector %d", p->name, vector);
				return 0;
			}
		}
		klog("virtio: %s: MSI-X setup failed, trying INTx", p->name);
		/* turn MSI-X back off so INTx can be used */
		pci_write16(p->pdev, p->pdev->msix_cap + 2,
			    pci_read16(p->pdev, p->pdev->msix_cap + 2) & ~0x8000);
	}
	vector = irq_alloc(vpci_irq_intx, p);
	if (vector < 0)
		return vector;
	err = pci_intx_route(p->pdev, vector);
	if (!err)
		klog("virtio: %s: INTx line %u vector %d", p->name, p->pdev->irq_line, vector);
	return err;
}

static const struct virtio_transport vpci_ops = {
    .get_features = vpci_get_features,
    .set_features = vpci_set_features,
    .get_status = vpci_get_status,
    .set_status = vpci_set_status,
    .read_config = vpci_read_config,
    .queue_max = vpci_queue_max,
    .queue_enable = vpci_queue_enable,
    .notify = vpci_notify,
    .setup_irq = vpci_setup_irq,
};

/* map the structure a vendor capability points at */
static int vpci_map_cap(struct vpci *p, u16 cap, volatile u8 **out, u32 *len)
{
	u8 bar = pci_read8(p->pdev, cap + 4);
	u32 off = pci_read32(p->pdev, cap + 8), length = pci_read32(p->pdev, cap + 12);
	void *virt;
	int err;

	if (bar >= PCI_BARS || length == 0 || length > (16u << 20))
		return -EINVAL;
	err = pci_map_bar(p->pdev, bar, off, length, &virt);
	if (err)
		return err;
	*out = virt;
	if (len)
		*len = length;
	return 0;
}

int virtio_pci_probe(struct pci_dev *pdev)
{
	struct vpci *p;
	u16 cap = 0;
	int err;

	if (pdev->vendor != VIRTIO_PCI_VENDOR || pdev->device < 0x1000 || pdev->device > 0x107f)
		return -ENODEV;
	p = kzalloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->pdev = pdev;
	snprintf(p->name, sizeof(p->name), "virtio-pci %02x:%02x.%u", pdev->bus, pdev->slot,
		 pdev->func);
	p->vd.ops = &vpci_ops;
	p->vd.name = p->name;
	p->vd.transport_priv = p;
	p->vd.device_id = pdev->device >= 0x1040 ? pdev->device - 0x1040u : pdev->subsys_id;
	pci_enable(pdev);
	while ((cap = pci_find_cap(pdev, PCI_CAP_ID_VNDR, cap)) != 0) {
		u8 type = pci_read8(pdev, cap + 3);
		u32 len;

		err = 0;
		if (type == VPCI_CAP_COMMON && !p->common)
			err = vpci_map_cap(p, cap, &p->common, &len);
		else if (type == VPCI_CAP_NOTIFY && !p->notify) {
			err = vpci_map_cap(p, cap, &p->notify, &p->notify_len);
			p->notify_mult = pci_read32(pdev, cap + 16);
		} else if (type == VPCI_CAP_ISR && !p->isr)
			err = vpci_map_cap(p, cap, &p->isr, &len);
		else if (type == VPCI_CAP_DEVICE && !p->device)
			err = vpci_map_cap(p, cap, &p->device, &p->device_len);
		if (err) {
			kprintf("virtio: %s: capability type %u: bad BAR/offset (%s)\n", p->name,
				type, errno_name(err));
			goto out_free;
		}
	}
	if (!p->common || !p->notify || !p->isr) {
		kprintf("virtio: %s: no virtio 1.x capabilities (legacy-only device; "
			"use disable-legacy=on or a modern device)\n",
			p->name);
		err = -ENODEV;
		goto out_free;
	}
	klog("virtio: %s: device %u (pci %04x:%04x)", p->name, p->vd.device_id, pdev->vendor,
	     pdev->device);
	err = virtio_probe(&p->vd);
	if (err)
		goto out_free;
	return 0;

out_free:
	kfree(p);
	return err;
}
