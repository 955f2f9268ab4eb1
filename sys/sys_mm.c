/*
 * sys_mm.c - memory syscalls (sys/ layer): brk, mmap (anonymous, private
 * file mappings read into fresh pages through the VFS, and MAP_SHARED
 * mappings of rootfs files, which map the page cache's pages themselves:
 * fs/pagecache.c), munmap, mprotect, madvise, mremap, msync (MS_SYNC
 * writes a shared mapping's file back and syncs), mincore (resident =
 * PTE present). Shared writable mappings of other files (/dev) get
 * EACCES. Arguments are validated here, the work is kernel/mm/uvm.c's.
 * Called through the syscall table.
 */
#include "kernel/kernel.h"
#include "kernel/mm/mm.h"
#include "sys/syscalls.h"
#include "sys/exec.h"
#include "fs/vfs.h"
#include "fs/pagecache.h"

#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE 0x0f
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_GROWSDOWN 0x100
#define MAP_DENYWRITE 0x800
#define MAP_EXECUTABLE 0x1000
#define MAP_LOCKED 0x2000
#define MAP_NORESERVE 0x4000
#define MAP_POPULATE 0x8000
#define MAP_NONBLOCK 0x10000
#define MAP_STACK 0x20000
#define MAP_HUGETLB 0x40000
#define MAP_SYNC 0x80000
#define MAP_FIXED_NOREPLACE 0x100000
#define MAP_KNOWN (MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_DENYWRITE | \
		   MAP_EXECUTABLE | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | \
		   MAP_STACK | MAP_HUGETLB | MAP_SYNC | MAP_FIXED_NOREPLACE | (0x3fULL << 26))

#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define MREMAP_DONTUNMAP 4

#define MADV_NORMAL 0
#define MADV_RANDOM 1
#define MADV_SEQUENTIAL 2
#define MADV_WILLNEED 3
#define MADV_DONTNEED 4
#define MADV_FREE 8
#define MADV_REMOVE 9
#define MADV_DONTFORK 10
#define MADV_DOFORK 11
#define MADV_MERGEABLE 12
#define MADV_UNMERGEABLE 13
#define MADV_HUGEPAGE 14
#define MADV_NOHUGEPAGE 15
#define MADV_DONTDUMP 16
#define MADV_DODUMP 17

#define PROT_KNOWN (PROT_READ | PROT_WRITE | PROT_EXEC)

long sys_brk(SYS_ARGS)
{
	if (a0 == 0)
		return (long)uvm_brk_get();
	return (long)uvm_brk_set(a0);
}

/* read file bytes into the (fresh, private) pages of [addr, addr+len):
 * big reads through a bounce buffer, then copies into the pages */
static int mmap_fill(struct file *f, u64 addr, u64 len, u64 off)
{
	u64 size = vfs_size(f), total, chunk_max;
	u8 *bounce;
	int err = 0;

	if (off >= size)
		return 0;
	total = MIN(len, size - off);
	chunk_max = MIN(ALIGN_UP(total, PAGE_SIZE), 1ULL << 20);
	bounce = kmalloc(chunk_max);
	if (!bounce)
		return -ENOMEM;
	for (u64 done = 0; done < total;) {
		u64 want = MIN(chunk_max, total - done);
		s64 n = vfs_pread(f, bounce, want, off + done);

		if (n < 0) {
			err = (int)n;
			break;
		}
		if (n == 0)
			break;
		for (u64 o = 0; o < (u64)n; o += PAGE_SIZE) {
			u64 phys = uvm_page_phys(addr + done + o, true);

			if (!phys) {
				err = -ENOMEM;
				goto out_free;
			}
			memcpy(phys_to_virt(phys), bounce + o, MIN(PAGE_SIZE, (u64)n - o));
		}
		done += (u64)n;
	}
out_free:
	kfree(bounce);
	return err;
}

long sys_mmap(SYS_ARGS)
{
	u64 addr = a0, len = a1, off = a5;
	u32 prot = (u32)a2, flags = (u32)a3;
	int fd = (int)a4, err;
	u32 type = flags & MAP_TYPE;
	struct file *f = NULL;
	void *shared = NULL;

	if (!len || (off & (PAGE_SIZE - 1)) || (prot & ~PROT_KNOWN))
		return -EINVAL;
	if (type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (type == MAP_SHARED_VALIDATE && (flags & ~MAP_KNOWN))
		return -EOPNOTSUPP;
	if (len > USER_MAX)
		return -ENOMEM;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (addr & (PAGE_SIZE - 1))
			return -EINVAL;
		if (addr < USER_MIN)
			return -EPERM; /* like Linux's mmap_min_addr */
		if (addr + len > USER_MAX || addr + len < addr)
			return -ENOMEM;
		if ((flags & MAP_FIXED_NOREPLACE) && !(flags & MAP_FIXED) &&
		    !uvm_range_free(addr, addr + len))
			return -EEXIST;
	} else {
		addr = uvm_find_gap(len, ALIGN_DOWN(addr, PAGE_SIZE));
		if (!addr)
			return -ENOMEM;
	}
	/* Linux's overcommit heuristic: a private writable mapping larger than
	 * all of RAM is refused (PROT_NONE reservations and MAP_NORESERVE pass) */
	if ((prot & PROT_WRITE) && type == MAP_PRIVATE && !(flags & MAP_NORESERVE) &&
	    len / PAGE_SIZE > mm_total_pages())
		return -ENOMEM;
	if (!(flags & MAP_ANONYMOUS)) {
		f = fd_get(fd);
		if (!f)
			return -EBADF;
		if (off + len < off) {
			err = -EOVERFLOW;
			goto out_put;
		}
		if (type != MAP_PRIVATE && f->vn.kind == VN_TFS &&
		    vnode_type(&f->vn) == PATH_T_FILE && !(f->flags & O_PATH)) {
			/* the page cache's pages, shared with read()/write() */
			if ((prot & PROT_WRITE) && ((f->flags & O_ACCMODE) != O_RDWR ||
						    vfs_write_check(&f->vn))) {
				err = -EACCES;
				goto out_put;
			}
			shared = pagecache_map_obj(f->vn.tfs);
			if (!shared) {
				err = -ENOMEM;
				goto out_put;
			}
		} else if (type != MAP_PRIVATE && (prot & PROT_WRITE)) {
			err = -EACCES; /* shared writable mappings of /dev files */
			goto out_put;
		}
	}
	u32 kind = shared ? VMA_SHARED : f ? VMA_FILE : VMA_ANON;

	if (shared && (f->flags & O_ACCMODE) == O_RDWR && !vfs_write_check(&f->vn))
		kind |= VMA_MAYWRITE;

	if (exec_protection) {
		struct kstat st;
		bool exec_file = f && !(prot & PROT_WRITE) && !vfs_stat_file(f, &st) &&
				 (st.st_mode & 0111);

		if ((prot & PROT_EXEC) && !exec_file) {
			err = -EACCES;
			goto out_put;
		}
		if (exec_file)
			kind |= VMA_EXECOK;
	}
	err = uvm_map_fixed(addr, addr + len, prot, kind);
	if (!err && shared)
		err = uvm_set_shared(addr, addr + len, shared, off / PAGE_SIZE);
	if (err) {
		if (shared)
			uvm_unmap(addr, addr + len);
		goto out_put;
	}
	if (shared) {
		vma_shared_put(shared); /* the VMA holds its own reference */
		proc_name_mapping(f, addr, addr + len, off); /* /proc/self/maps */
		file_put(f);
	} else if (f) {
		err = mmap_fill(f, addr, len, off);
		if (!err && f->vn.kind == VN_TFS && vnode_type(&f->vn) == PATH_T_FILE) {
			/* pages wholly past EOF give SIGBUS, as Linux */
			u64 size = vfs_size(f);

			if (size < off + len)
				err = uvm_set_file_end(addr, addr + len,
						       size <= off ? addr
								   : addr + ALIGN_UP(size - off, PAGE_SIZE));
		}
		if (err) {
			uvm_unmap(addr, addr + len);
			goto out_put;
		}
		proc_name_mapping(f, addr, addr + len, off); /* /proc/self/maps */
		file_put(f);
	}
	return (long)addr;
out_put:
	if (shared)
		vma_shared_put(shared);
	if (f)
		file_put(f);
	return err;
}

static int check_range(u64 addr, u64 len, u64 *end)
{
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	*end = addr + ALIGN_UP(len, PAGE_SIZE);
	if (len > USER_MAX || *end < addr || *end > USER_MAX)
		return -EINVAL;
	return 0;
}

long sys_munmap(SYS_ARGS)
{
	u64 end;
	int err = check_range(a0, a1, &end);

	if (err)
		return err;
	if (!a1)
		return -EINVAL;
	if (a0 < USER_MIN)
		return a0 + a1 <= USER_MIN ? 0 : -EINVAL;
	return uvm_unmap(a0, end);
}

long sys_mprotect(SYS_ARGS)
{
	u64 end;
	int err = check_range(a0, a1, &end);

	if (err)
		return err;
	if (a2 & ~(u64)PROT_KNOWN & ~0x03000000ULL) /* PROT_GROWSDOWN/UP tolerated */
		return -EINVAL;
	if (!a1)
		return 0;
	/* a shared file mapping may become writable only if the file was
	 * opened for writing (Linux: EACCES) */
	if ((a2 & PROT_WRITE) && uvm_range_mapped(a0, end)) {
		for (u64 at = a0; at < end;) {
			const struct vma *v = uvm_find(at);

			if ((v->kind & VMA_SHARED) && !(v->kind & VMA_MAYWRITE))
				return -EACCES;
			at = MIN(end, v->end);
		}
	}
	if (exec_protection && uvm_range_mapped(a0, end)) {
		/* W^X: executable only where allowed, never writable there */
		for (u64 at = a0; at < end;) {
			const struct vma *v = uvm_find(at);

			if (((a2 & PROT_EXEC) && (!(v->kind & VMA_EXECOK) || (a2 & PROT_WRITE))) ||
			    ((a2 & PROT_WRITE) && (v->kind & VMA_EXECOK)))
				return -EACCES;
			at = MIN(end, v->end);
		}
	}
	return uvm_protect(a0, end, (u32)a2 & PROT_KNOWN);
}

long sys_madvise(SYS_ARGS)
{
	u64 end;
	int err = check_range(a0, a1, &end);

	if (err)
		return err;
	switch (a2) {
	case MADV_DONTNEED:
	case MADV_FREE:
		if (!uvm_range_mapped(a0, end))
			return -ENOMEM;
		/* anonymous memory reads back as zero; file copies are kept */
		for (u64 at = a0; at < end;) {
			const struct vma *v = uvm_find(at);
			u64 stop = MIN(end, v->end);

			if (!(v->kind & (VMA_FILE | VMA_ELF)))
				uvm_zap(at, stop);
			at = stop;
		}
		return 0;
	case MADV_NORMAL:
	case MADV_RANDOM:
	case MADV_SEQUENTIAL:
	case MADV_WILLNEED:
	case MADV_DONTFORK:
	case MADV_DOFORK:
	case MADV_MERGEABLE:
	case MADV_UNMERGEABLE:
	case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE:
	case MADV_DONTDUMP:
	case MADV_DODUMP:
		return uvm_range_mapped(a0, end) ? 0 : -ENOMEM;
	default:
		return -EINVAL;
	}
}

#define MS_ASYNC 1
#define MS_INVALIDATE 2
#define MS_SYNC 4

/* MS_SYNC: the files of the shared mappings in the range are written
 * back and synced (their pages are the page cache's, so this is fsync);
 * MS_ASYNC: nothing (the writeback thread does it, as on Linux); private
 * mappings are copies: nothing to write */
long sys_msync(SYS_ARGS)
{
	u64 end;
	int err = check_range(a0, a1, &end);

	if (err)
		return err;
	if ((a2 & ~(u64)(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
	    ((a2 & MS_ASYNC) && (a2 & MS_SYNC)))
		return -EINVAL;
	if (!uvm_range_mapped(a0, end))
		return -ENOMEM;
	if (!(a2 & MS_SYNC))
		return 0;
	for (u64 at = a0; at < end;) {
		const struct vma *v = uvm_find(at);
		struct value *node = v && (v->kind & VMA_SHARED) ? pagecache_obj_file(v->shared) : NULL;

		if (!v)
			break;
		at = v->end;
		if (node && !vfs_readonly) {
			err = pagecache_writeback(node);
			if (!err)
				err = fs_sync();
			if (err)
				return err;
		}
	}
	return 0;
}

long sys_mincore(SYS_ARGS)
{
	u64 end, pages;
	int err = check_range(a0, a1, &end);

	if (err)
		return err;
	if (!uvm_range_mapped(a0, end))
		return -ENOMEM;
	pages = (end - a0) / PAGE_SIZE;
	for (u64 i = 0; i < pages; i++) {
		u64 *pte = pt_walk(pt_root(), a0 + i * PAGE_SIZE, false);
		u8 in = pte && (*pte & PTE_P) ? 1 : 0;

		if (copy_to_user(a2 + i, &in, 1))
			return -EFAULT;
	}
	return 0;
}

long sys_mremap(SYS_ARGS)
{
	u64 old = a0, old_len = ALIGN_UP(a1, PAGE_SIZE), new_len = ALIGN_UP(a2, PAGE_SIZE);
	u64 flags = a3, want = a4, dest;
	const struct vma *v;
	int err;

	if ((old & (PAGE_SIZE - 1)) || (flags & ~7ULL) || !new_len || a2 > USER_MAX ||
	    a1 > USER_MAX)
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if (flags & MREMAP_DONTUNMAP)
		return -EINVAL; /* not supported yet */
	if (!old_len)
		return -EINVAL; /* duplicating shared mappings: not supported */
	v = uvm_find(old);
	if (!v || !uvm_range_mapped(old, old + old_len) || old + old_len > v->end)
		return -EFAULT;
	if (flags & MREMAP_FIXED) {
		if ((want & (PAGE_SIZE - 1)) || want < USER_MIN || want + new_len > USER_MAX ||
		    (want < old + old_len && old < want + new_len))
			return -EINVAL;
		err = uvm_unmap(want, want + new_len);
		if (err)
			return err;
		dest = want;
		goto move;
	}
	if (new_len <= old_len) {
		if (new_len < old_len)
			uvm_unmap(old + new_len, old + old_len);
		return (long)old;
	}
	/* grow in place when the space after it is free */
	if (old + new_len <= USER_MAX && uvm_range_free(old + old_len, old + new_len)) {
		void *obj = v->shared;
		u64 pgoff = v->shared_pgoff + (old + old_len - v->start) / PAGE_SIZE;

		err = uvm_map_fixed(old + old_len, old + new_len, v->prot, v->kind & ~VMA_HEAP);
		if (!err && obj)
			err = uvm_set_shared(old + old_len, old + new_len, obj, pgoff);
		return err ? err : (long)old;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	dest = uvm_find_gap(new_len, 0);
	if (!dest)
		return -ENOMEM;
move: {
	u32 prot = v->prot, kind = v->kind & ~VMA_HEAP;
	u64 moved = MIN(old_len, new_len);
	void *obj = v->shared;
	u64 pgoff = v->shared_pgoff + (old - v->start) / PAGE_SIZE;

	err = uvm_move(old, moved, dest);
	if (err)
		return err;
	if (old_len > moved)
		uvm_unmap(old + moved, old + old_len);
	if (new_len > moved) {
		err = uvm_map_fixed(dest + moved, dest + new_len, prot, kind);
		if (!err && obj)
			err = uvm_set_shared(dest + moved, dest + new_len, obj, pgoff + moved / PAGE_SIZE);
		if (err)
			return err;
	}
	return (long)dest;
}
}
