/*
 * fs/proc_self.c - the per-process /proc files: /proc/self/maps (Linux's
 * columns: "start-end perms offset dev inode", the path at column 73),
 * stat (proc(5)'s 52 fields), status, statm, comm, cmdline, environ, auxv
 * (read from the initial stack exec built: sys/exec.h exec_layout), mounts
 * and mountinfo; the same stat/status/comm for each task/<tid>.
 * Layer: fs. Callers: fs/proc.c (its node table).
 */
#include "fs/proc.h"
#include "kernel/thread.h"
#include "kernel/sched.h"
#include "kernel/mm/mm.h"
#include "lib/value.h"
#include "sys/exec.h"
#include "sys/syscalls.h"

/* ---- /proc/self/maps and memory figures ---- */

static const char *program_path(void)
{
	const struct value *v = config_root() ? tuple_get_cstr(config_root(), "program") : NULL;

	return v && v->type == VALUE_STRING ? (const char *)v->str.bytes : "";
}

static const char *vma_label(const struct vma *v)
{
	if (v->name)
		return v->name;
	if (v->kind & VMA_HEAP)
		return "[heap]";
	if (v->kind & VMA_STACK)
		return "[stack]";
	if (v->kind & VMA_VVAR)
		return "[vvar]";
	if (v->kind & VMA_VDSO)
		return "[vdso]";
	return NULL;
}

void render_maps(struct proc_buf *b, int tid)
{
	for (const struct vma *v = uvm_next(0); v; v = uvm_next(v->end)) {
		const char *label = vma_label(v);
		bool file = v->name && v->ino;
		u64 line = b->len;

		proc_printf(b, "%08lx-%08lx %c%c%cp %08lx %02x:%02x %lu ", (unsigned long)v->start,
			  (unsigned long)v->end, v->prot & PROT_READ ? 'r' : '-',
			  v->prot & PROT_WRITE ? 'w' : '-', v->prot & PROT_EXEC ? 'x' : '-',
			  (unsigned long)(file ? v->off : 0), file ? PROC_DEV_ROOTFS_MAJOR : 0,
			  file ? PROC_DEV_ROOTFS_MINOR : 0, (unsigned long)(file ? v->ino : 0));
		if (label) {
			/* Linux pads the prefix to 72 columns, then one space */
			while (b->len - line < 72 && !b->nomem)
				proc_put(b, " ", 1);
			proc_put(b, " ", 1);
			proc_puts(b, label);
		}
		proc_put(b, "\n", 1);
	}
}

struct mem_figures {
	u64 size, data, stack, exe, lib, rss; /* bytes */
	u64 start_code, end_code, start_data, end_data, start_brk;
};

static void mem_figures(struct mem_figures *m)
{
	const char *prog = program_path();

	memset(m, 0, sizeof(*m));
	for (const struct vma *v = uvm_next(0); v; v = uvm_next(v->end)) {
		u64 len = v->end - v->start;
		bool is_prog = v->name && strcmp(v->name, prog) == 0;

		m->size += len;
		if (v->kind & VMA_STACK)
			m->stack += len;
		else if (v->prot & PROT_WRITE)
			m->data += len;
		if ((v->prot & PROT_EXEC) && v->name) {
			if (is_prog)
				m->exe += len;
			else
				m->lib += len;
		}
		if (is_prog && (v->prot & PROT_EXEC) && !m->start_code) {
			m->start_code = v->start;
			m->end_code = v->end;
		}
		if (is_prog && (v->prot & PROT_WRITE) && !m->start_data) {
			m->start_data = v->start;
			m->end_data = v->end;
		}
		if ((v->kind & VMA_HEAP) && !m->start_brk)
			m->start_brk = v->start;
	}
	if (!m->start_brk)
		m->start_brk = uvm_brk_get();
	m->rss = uvm_resident_pages() * PAGE_SIZE;
}

static char thread_state_char(const struct thread *t)
{
	return t->state == THREAD_BLOCKED ? 'S' : 'R';
}

static const char *thread_state_name(const struct thread *t)
{
	return t->state == THREAD_BLOCKED ? "S (sleeping)" : "R (running)";
}

/* /proc/self/stat and task/<tid>/stat (proc(5): 52 fields) */
void render_stat(struct proc_buf *b, int tid)
{
	struct thread *t = proc_thread(tid);
	struct mem_figures m;
	u64 cpu = tid && t ? sched_thread_cpu_ns(t) : sched_process_cpu_ns();
	u64 pend = (t ? t->sigpending : 0) | (tid ? 0 : thread_group_pending);

	mem_figures(&m);
	proc_printf(b, "%d (%s) %c 0 1 1 0 -1 4194560 0 0 0 0 %lu 0 0 0 20 0 %d 0 %lu %lu %lu "
		     "18446744073709551615 %lu %lu %lu 0 0 %lu %lu 0 0 0 0 0 17 %d 0 0 0 0 0 "
		     "%lu %lu %lu %lu %lu %lu %lu 0\n",
		  tid ? tid : 1, t ? t->name : "", t ? thread_state_char(t) : 'R',
		  (unsigned long)(cpu / (1000000000 / PROC_USER_HZ)), thread_count(),
		  (unsigned long)(exec_layout.start_ns / (1000000000 / PROC_USER_HZ)),
		  (unsigned long)m.size, (unsigned long)(m.rss / PAGE_SIZE),
		  (unsigned long)m.start_code, (unsigned long)m.end_code,
		  (unsigned long)exec_layout.stack_start, (unsigned long)pend,
		  (unsigned long)(t ? t->sigmask : 0), t ? t->cpu : 0, (unsigned long)m.start_data,
		  (unsigned long)m.end_data, (unsigned long)m.start_brk,
		  (unsigned long)exec_layout.arg_start, (unsigned long)exec_layout.arg_end,
		  (unsigned long)exec_layout.env_start, (unsigned long)exec_layout.env_end);
}

static void proc_kb(struct proc_buf *b, const char *label, u64 bytes)
{
	proc_printf(b, "%s\t%8lu kB\n", label, (unsigned long)(bytes / 1024));
}

void render_status(struct proc_buf *b, int tid)
{
	struct thread *t = proc_thread(tid);
	struct mem_figures m;
	long um = sys_umask(0, 0, 0, 0, 0, 0); /* read and put back */
	u64 pend = t ? t->sigpending : 0;

	sys_umask((u64)um, 0, 0, 0, 0, 0);
	mem_figures(&m);
	proc_printf(b,
		  "Name:\t%s\nUmask:\t%04lo\nState:\t%s\nTgid:\t1\nNgid:\t0\nPid:\t%d\nPPid:\t0\n"
		  "TracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t%d\nGroups:\t\n"
		  "NStgid:\t1\nNSpid:\t%d\nNSpgid:\t1\nNSsid:\t1\n",
		  t ? t->name : "", (unsigned long)um, t ? thread_state_name(t) : "R (running)",
		  tid ? tid : 1, FD_MAX, tid ? tid : 1);
	proc_kb(b, "VmPeak:", m.size);
	proc_kb(b, "VmSize:", m.size);
	proc_kb(b, "VmLck:", 0);
	proc_kb(b, "VmPin:", 0);
	proc_kb(b, "VmHWM:", m.rss);
	proc_kb(b, "VmRSS:", m.rss);
	proc_kb(b, "RssAnon:", m.rss);
	proc_kb(b, "RssFile:", 0);
	proc_kb(b, "RssShmem:", 0);
	proc_kb(b, "VmData:", m.data);
	proc_kb(b, "VmStk:", m.stack);
	proc_kb(b, "VmExe:", m.exe);
	proc_kb(b, "VmLib:", m.lib);
	proc_kb(b, "VmPTE:", 0);
	proc_kb(b, "VmSwap:", 0);
	proc_kb(b, "HugetlbPages:", 0);
	proc_printf(b,
		  "CoreDumping:\t0\nTHP_enabled:\t0\nThreads:\t%d\nSigQ:\t0/%lu\n"
		  "SigPnd:\t%016lx\nShdPnd:\t%016lx\nSigBlk:\t%016lx\nSigIgn:\t%016lx\n"
		  "SigCgt:\t%016lx\nCapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\n"
		  "CapEff:\t000001ffffffffff\nCapBnd:\t000001ffffffffff\n"
		  "CapAmb:\t0000000000000000\nNoNewPrivs:\t0\nSeccomp:\t0\n"
		  "Seccomp_filters:\t0\nSpeculation_Store_Bypass:\tnot vulnerable\n"
		  "SpeculationIndirectBranch:\tnot affected\n",
		  thread_count(), (unsigned long)(mm_total_pages() / 64),
		  (unsigned long)pend, (unsigned long)thread_group_pending,
		  (unsigned long)(t ? t->sigmask : 0), 0ul, 0ul);
	/* the CPUs the thread may run on, as sched_getaffinity says */
	{
		u64 mask = (t ? t->affinity : ~0ull) & sched_online_mask();

		proc_printf(b, "Cpus_allowed:\t%lx\nCpus_allowed_list:\t", (unsigned long)mask);
		proc_cpu_list(b, mask);
	}
	proc_printf(b,
		  "\nMems_allowed:\t00000000,00000001\n"
		  "Mems_allowed_list:\t0\nvoluntary_ctxt_switches:\t%lu\n"
		  "nonvoluntary_ctxt_switches:\t0\n",
		  (unsigned long)sched_switch_count());
}

void render_statm(struct proc_buf *b, int tid)
{
	struct mem_figures m;

	mem_figures(&m);
	proc_printf(b, "%lu %lu 0 %lu 0 %lu 0\n", (unsigned long)(m.size / PAGE_SIZE),
		  (unsigned long)(m.rss / PAGE_SIZE), (unsigned long)(m.exe / PAGE_SIZE),
		  (unsigned long)((m.data + m.stack) / PAGE_SIZE));
}

void render_comm(struct proc_buf *b, int tid)
{
	struct thread *t = proc_thread(tid);

	proc_printf(b, "%s\n", t ? t->name : "");
}

/* ---- the initial stack: cmdline, environ, auxv ---- */

void render_cmdline(struct proc_buf *b, int tid)
{
	proc_put_user(b, exec_layout.arg_start, exec_layout.arg_end);
}

/* the strings envp[] pointed at when the program started, in envp order
 * (they sit in reverse order in memory) */
void render_environ(struct proc_buf *b, int tid)
{
	u64 lo = exec_layout.env_start, hi = exec_layout.env_end;
	char *area;

	if (!lo || hi <= lo || hi - lo > PROC_ARGS_MAX)
		return;
	area = kmalloc(hi - lo);
	if (!area)
		return;
	if (copy_from_user(area, lo, hi - lo))
		goto out_free;
	for (u64 i = 0; i < exec_layout.envc; i++) {
		u64 p;
		size_t n = 0;

		if (copy_from_user(&p, exec_layout.envp + 8 * i, 8) || p < lo || p >= hi)
			break;
		while (p - lo + n < hi - lo && area[p - lo + n])
			n++;
		proc_put(b, area + (p - lo), n);
		proc_put(b, "", 1);
	}
out_free:
	kfree(area);
}

void render_auxv(struct proc_buf *b, int tid)
{
	proc_put_user(b, exec_layout.auxv, exec_layout.auxv + exec_layout.auxv_len);
}

/* ---- mounts ---- */

void render_mounts(struct proc_buf *b, int tid)
{
	proc_printf(b,
		  "/dev/root / tfs %s,relatime 0 0\n"
		  "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"
		  "sysfs /sys sysfs ro,nosuid,nodev,noexec,relatime 0 0\n"
		  "devtmpfs /dev devtmpfs rw,nosuid,relatime 0 0\n",
		  vfs_readonly ? "ro" : "rw");
}

void render_mountinfo(struct proc_buf *b, int tid)
{
	const char *rw = vfs_readonly ? "ro" : "rw";

	proc_printf(b,
		  "1 0 %d:%d / / %s,relatime - tfs /dev/root %s\n"
		  "2 1 0:4 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n"
		  "3 1 0:20 / /sys ro,nosuid,nodev,noexec,relatime - sysfs sysfs ro\n"
		  "4 1 0:5 / /dev rw,nosuid,relatime - devtmpfs devtmpfs rw\n",
		  PROC_DEV_ROOTFS_MAJOR, PROC_DEV_ROOTFS_MINOR, rw, rw);
}
