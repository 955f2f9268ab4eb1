"""linuxguest.py - the Linux side of the benchmarks: runs one static
program as the only job of a minimal Linux guest on the same QEMU machine
as monos (microvm + virtio-mmio, or q35 + virtio-pci; same -cpu, -m, -smp,
disk and NIC model; notes: the runner's command line in tools/monos/vm.c).

The guest is Debian's linux-image-amd64 kernel (/boot/vmlinuz-*, installed
by bench/deps.sh) and an initramfs written here (cpio newc, optionally
gzip) holding busybox-static, the virtio modules of that kernel (they are
modules in Debian's build), the debugexit helper and the program. Its /init
mounts proc/sys/dev, loads the modules, sets up lo (and eth0 by DHCP from
QEMU user networking when asked), prints a start marker, runs the program,
prints "@@bench-exit=N" and ends the VM through isa-debug-exit with N.

Layer: benchmark harness (host side, Python 3). Used by bench/linux-guest
(the command) and bench/run (the table), which spawns the prepared QEMU
command line itself to time it.
"""

import glob
import gzip
import hashlib
import os
import re
import shlex
import signal
import subprocess
import sys
import time

START_MARK = "@@bench-run"
EXIT_RE = re.compile(r"^@@bench-exit=(\d+)\s*$")
BUSYBOX = "/bin/busybox"
APPLETS = ["sh", "mount", "insmod", "ip", "udhcpc", "ls", "cat", "sleep"]

# kernel command line: console on the serial port, quiet (no boot messages:
# printing them through the emulated UART costs both time and fairness),
# panic=-1 so a failed boot ends at once (-no-reboot) instead of hanging
CMDLINE = "console=ttyS0 quiet panic=-1"


def host_tsc_khz():
    """the host's TSC frequency in kHz (/proc/cpuinfo "cpu MHz"); under TCG
    the guest's RDTSC reads the host's TSC"""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("cpu MHz"):
                    return int(float(line.split(":")[1]) * 1000)
    except (OSError, ValueError, IndexError):
        pass
    return 2000000


def kernel_cmdline(machine, accel):
    """CMDLINE, plus on microvm under TCG tsc_early_khz=HOST: microvm has no
    HPET or ACPI PM timer, TCG gives no TSC frequency leaf and the PIT
    calibration fails, so without it Linux marks the TSC unstable and hangs
    before the first line (seen on QEMU 7.2, Linux 6.1). Not a speed-up:
    the boot needs it."""
    if machine == "microvm" and accel != "kvm":
        return CMDLINE + " tsc_early_khz=%d" % host_tsc_khz()
    return CMDLINE

MODULES = {
    "microvm": ["virtio_mmio"],
    "q35": ["virtio_pci"],
}
DISK_MODULES = ["virtio_blk"]
FS_MODULES = ["crc32c_generic", "ext4"]  # ext4 asks the crypto API for crc32c
NET_MODULES = ["virtio_net"]


class GuestError(Exception):
    """the guest cannot be prepared (no kernel, no busybox, bad program)"""


def find_kernel(path=None):
    """the newest /boot/vmlinuz-* (or path), with its module directory"""
    if path:
        kernels = [path]
    else:
        kernels = sorted(glob.glob("/boot/vmlinuz-*"), key=_version_key)
    if not kernels or not os.path.isfile(kernels[-1]):
        raise GuestError("no Linux kernel in /boot (run bench/deps.sh: it installs "
                         "linux-image-amd64)")
    kernel = kernels[-1]
    version = os.path.basename(kernel)[len("vmlinuz-"):]
    moddir = "/lib/modules/" + version
    if not os.path.isdir(moddir):
        raise GuestError("no module directory %s for %s" % (moddir, kernel))
    return kernel, version, moddir


def vmlinux(kernel, cachedir):
    """the uncompressed ELF kernel inside a bzImage (cached): booted by PVH
    direct boot (CONFIG_PVH=y in Debian's build), as monos's kernel.elf is
    on microvm, instead of paying for the xz decompressor under emulation
    (measured: about half of the Linux guest's boot CPU time under TCG).
    Returns None when the payload is not xz or gzip or has no PVH note
    (then the bzImage is used)."""
    import lzma
    import struct
    import zlib
    with open(kernel, "rb") as f:
        d = f.read()
    st = os.stat(kernel)
    out = os.path.join(cachedir, "vmlinux-%s-%d" % (os.path.basename(kernel), st.st_mtime_ns))
    if os.path.exists(out):
        return out
    if len(d) < 0x250 or d[0x202:0x206] != b"HdrS":
        return None
    setup_sects = d[0x1F1] or 4
    off, ln = struct.unpack_from("<II", d, 0x248)
    payload = d[(setup_sects + 1) * 512 + off:][:ln]
    try:
        if payload[:6] == b"\xfd7zXZ\x00":
            elf = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(payload)
        elif payload[:2] == b"\x1f\x8b":
            elf = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(payload)
        else:
            return None
    except (lzma.LZMAError, zlib.error):
        return None
    # XEN_ELFNOTE_PHYS32_ENTRY (18): QEMU boots the ELF through PVH
    if elf[:4] != b"\x7fELF" or not _has_pvh_note(elf):
        return None
    os.makedirs(cachedir, exist_ok=True)
    with open(out + ".tmp", "wb") as f:
        f.write(elf)
    os.rename(out + ".tmp", out)
    return out


def _has_pvh_note(elf):
    """an ELF note "Xen" of type 18 in a PT_NOTE segment"""
    import struct
    phoff, = struct.unpack_from("<Q", elf, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", elf, 0x36)
    for i in range(phnum):
        ptype, _, off, _, _, filesz = struct.unpack_from("<IIQQQQ", elf, phoff + i * phentsize)
        if ptype != 4:
            continue
        p, end = off, off + filesz
        while p + 12 <= end:
            namesz, descsz, ntype = struct.unpack_from("<III", elf, p)
            name = elf[p + 12:p + 12 + namesz]
            if name.rstrip(b"\0") == b"Xen" and ntype == 18:
                return True
            p += 12 + ((namesz + 3) & ~3) + ((descsz + 3) & ~3)
    return False


def _version_key(path):
    return [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", path)]


def module_order(moddir, names):
    """the .ko paths to insmod, dependencies first (from modules.dep)"""
    deps = {}
    with open(os.path.join(moddir, "modules.dep")) as f:
        for line in f:
            key, _, rest = line.partition(":")
            deps[os.path.basename(key).split(".ko")[0]] = (key, rest.split())
    order = []

    def visit(name):
        if name not in deps:
            raise GuestError("module %s not in %s/modules.dep" % (name, moddir))
        key, rest = deps[name]
        for d in reversed(rest):  # modules.dep lists the deepest last
            visit(os.path.basename(d).split(".ko")[0])
        if key not in order:
            order.append(key)

    for n in names:
        visit(n)
    return order


def accel_detect():
    """the runner's rule (tools/monos/accel.c): KVM only on hardware KVM"""
    def loaded(mod):
        if os.path.isdir("/sys/module/" + mod):
            return True
        try:
            with open("/proc/modules") as f:
                return any(l.split(" ", 1)[0] == mod for l in f)
        except OSError:
            return False

    if loaded("kvm_pvm"):
        return "tcg", "/dev/kvm is kvm_pvm (not hardware KVM)"
    if not loaded("kvm_intel") and not loaded("kvm_amd"):
        return "tcg", "no hardware KVM module (kvm_intel/kvm_amd) loaded"
    try:
        os.close(os.open("/dev/kvm", os.O_RDWR))
    except OSError as e:
        return "tcg", "cannot open /dev/kvm: %s" % e.strerror
    return "kvm", "/dev/kvm is hardware KVM"


# ---- cpio newc ----

class Cpio:
    def __init__(self):
        self.parts = []
        self.ino = 1

    def _entry(self, name, mode, data=b"", nlink=1):
        name_b = name.encode() + b"\0"
        hdr = "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X" % (
            self.ino, mode, 0, 0, nlink, 0, len(data), 0, 0, 0, 0, len(name_b), 0)
        self.ino += 1
        blob = hdr.encode() + name_b
        blob += b"\0" * (-len(blob) % 4)
        blob += data + b"\0" * (-len(data) % 4)
        self.parts.append(blob)

    def dir(self, name):
        self._entry(name, 0o040755, nlink=2)

    def file(self, name, data, mode=0o755):
        self._entry(name, 0o100000 | mode, data)

    def symlink(self, name, target):
        self._entry(name, 0o120777, target.encode())

    def bytes(self):
        self._entry("TRAILER!!!", 0)
        return b"".join(self.parts)


def init_script(argv, modules, net, disk, fs=False):
    lines = [
        "#!/bin/sh",
        "# /init of the monos benchmark guest (written by bench/linuxguest.py)",
        "mount -t proc proc /proc",
        "mount -t sysfs sysfs /sys",
        "mount -t devtmpfs devtmpfs /dev",
    ]
    for m in modules:
        lines.append("insmod /lib/modules/%s || echo 'init: insmod %s failed'" % (
            os.path.basename(m), os.path.basename(m)))
    lines.append("ip link set lo up")
    if net:
        lines += [
            "ip link set eth0 up",
            "udhcpc -q -n -f -i eth0 -s /etc/udhcpc.script >/dev/null 2>&1 "
            "|| echo 'init: DHCP on eth0 failed'",
        ]
    if disk:
        lines.append("[ -b /dev/vda ] || echo 'init: no /dev/vda after loading virtio_blk'")
    if fs:
        lines.append("mount -t ext4 /dev/vda /mnt || echo 'init: cannot mount /dev/vda (ext4)'")
    lines += [
        "cd %s" % ("/mnt" if fs else "/"),
        "echo %s" % START_MARK,
        "/prog/%s %s" % (shlex.quote(os.path.basename(argv[0])), " ".join(
            shlex.quote(a) for a in argv[1:])),
        "rc=$?",
        "echo @@bench-exit=$rc",
        "exec /bin/debugexit $rc",
        "",
    ]
    return "\n".join(lines)


UDHCPC_SCRIPT = """#!/bin/sh
# udhcpc event script: configure eth0 with the lease (QEMU user networking)
case "$1" in
bound|renew)
	ip addr add "$ip/${mask:-24}" dev "$interface"
	[ -n "$router" ] && ip route add default via "${router%% *}" dev "$interface"
	;;
esac
exit 0
"""


def build_initramfs(argv, machine, moddir, debugexit, cachedir, net=False, disk=True,
                    compress=True, fs=False, extra=()):
    """write (or reuse) the initramfs for running argv; returns its path.
    extra: more files for the guest, (guest path, host path) with host path
    None for an empty directory (bench/net: a dynamic program's ld.so and
    libraries, nginx's tree); parent directories are made"""
    prog = argv[0]
    if not os.path.isfile(prog):
        raise GuestError("program %s: no such file" % prog)
    with open(prog, "rb") as f:
        pdata = f.read()
    if pdata[:4] != b"\x7fELF":
        raise GuestError("program %s: not an ELF file" % prog)
    if not os.path.isfile(debugexit):
        raise GuestError("%s not built (make bench builds it)" % debugexit)
    if not os.path.isfile(BUSYBOX):
        raise GuestError("%s missing (install busybox-static)" % BUSYBOX)
    names = list(MODULES[machine]) + (DISK_MODULES if disk or fs else []) + (
        NET_MODULES if net else []) + (FS_MODULES if fs else [])
    mods = module_order(moddir, names)
    script = init_script(argv, mods, net, disk or fs, fs)
    files = [BUSYBOX, debugexit] + [os.path.join(moddir, m) for m in mods]
    files += [hp for _, hp in extra if hp]
    h = hashlib.sha256()
    h.update(repr([g for g, _ in extra]).encode())
    h.update(script.encode() + pdata + repr(compress).encode() + UDHCPC_SCRIPT.encode())
    for p in files:
        st = os.stat(p)
        h.update(("%s %d %d\n" % (p, st.st_size, st.st_mtime_ns)).encode())
    os.makedirs(cachedir, exist_ok=True)
    out = os.path.join(cachedir, "initramfs-%s.cpio%s" % (h.hexdigest()[:16],
                                                          ".gz" if compress else ""))
    if os.path.exists(out):
        return out
    c = Cpio()
    for d in ["bin", "dev", "proc", "sys", "etc", "lib", "lib/modules", "prog", "tmp", "mnt"]:
        c.dir(d)
    with open(BUSYBOX, "rb") as f:
        c.file("bin/busybox", f.read())
    for a in APPLETS:
        c.symlink("bin/" + a, "busybox")
    with open(debugexit, "rb") as f:
        c.file("bin/debugexit", f.read())
    for m in mods:
        with open(os.path.join(moddir, m), "rb") as f:
            c.file("lib/modules/" + os.path.basename(m), f.read(), 0o644)
    c.file("etc/udhcpc.script", UDHCPC_SCRIPT.encode())
    made = {"bin", "dev", "proc", "sys", "etc", "lib", "lib/modules", "prog", "tmp", "mnt"}
    for gpath, hpath in extra:
        parts = gpath.strip("/").split("/")
        for i in range(1, len(parts) + (hpath is None)):
            d = "/".join(parts[:i])
            if d not in made:
                made.add(d)
                c.dir(d)
        if hpath is not None:
            with open(hpath, "rb") as f:
                c.file("/".join(parts), f.read(), os.stat(hpath).st_mode & 0o777)
    c.file("prog/" + os.path.basename(prog), pdata)
    c.file("init", script.encode())
    data = c.bytes()
    if compress:
        data = gzip.compress(data, compresslevel=6, mtime=0)
    tmp = out + ".tmp%d" % os.getpid()
    with open(tmp, "wb") as f:
        f.write(data)
    os.rename(tmp, out)
    return out


def scratch_disk(cachedir, size=8 << 20):
    """the guest's virtio-blk disk: a sparse raw file (monos has its root
    volume there; the Linux guest probes the same device model)"""
    os.makedirs(cachedir, exist_ok=True)
    path = os.path.join(cachedir, "disk-%d.img" % size)
    if not os.path.exists(path) or os.path.getsize(path) != size:
        with open(path, "wb") as f:
            f.truncate(size)
    return path


def ext4_disk(cachedir, size=1 << 30):
    """a fresh, empty ext4 volume for the file benchmarks (written by the
    guest, so made anew for every run; inode tables and journal initialized
    here so no lazy-init thread runs in the guest during the benchmark)"""
    os.makedirs(cachedir, exist_ok=True)
    path = os.path.join(cachedir, "ext4-%d.img" % size)
    if os.path.exists(path):
        os.unlink(path)
    with open(path, "wb") as f:
        f.truncate(size)
    r = subprocess.run(["mkfs.ext4", "-q", "-F", "-E", "lazy_itable_init=0,lazy_journal_init=0",
                        path], capture_output=True, text=True)
    if r.returncode != 0:
        raise GuestError("mkfs.ext4 %s: %s (install e2fsprogs)" % (
            path, r.stderr.strip() or "exit %d" % r.returncode))
    return path


def qemu_argv(kernel, initrd, machine="microvm", accel="tcg", mem="256M", smp=1,
              disk=None, net=False, qemu="qemu-system-x86_64", cmdline=None, disk_rw=False,
              netdev="user,id=net0"):
    """the QEMU command line: the runner's (tools/monos/vm.c) plus -initrd;
    netdev: the -netdev value with id=net0 (bench/net passes the runner's
    `user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:H-:G`)"""
    kvm = accel == "kvm"
    if cmdline is None:
        cmdline = kernel_cmdline(machine, accel)
    av = [qemu, "-M", "microvm,x-option-roms=off,rtc=on" if machine == "microvm" else "q35",
          "-cpu", "host" if kvm else "max", "-m", mem, "-smp", str(smp),
          "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
          "-serial", "stdio", "-kernel", kernel, "-initrd", initrd, "-append", cmdline]
    if disk:
        av += ["-drive", "id=root,file=%s,format=raw,if=none%s" % (
            disk.replace(",", ",,"), "" if disk_rw else ",snapshot=on"),
               "-device", "virtio-blk-device,drive=root" if machine == "microvm"
               else "virtio-blk-pci,drive=root,disable-legacy=on"]
    if net:
        av += ["-netdev", netdev,
               "-device", "virtio-net-device,netdev=net0" if machine == "microvm"
               else "virtio-net-pci,netdev=net0,disable-legacy=on"]
    av += ["-device", "isa-debug-exit,iobase=0xf4,iosize=4", "-accel", "kvm" if kvm else "tcg"]
    return av


# CPU seconds (user+sys) of the last run_timed process and the children it
# waited for (QEMU under `monos boot`): robust where other jobs share the CPUs
RUSAGE = [0.0]
# lines at which run_timed samples the host CPU time of the spawned process
# tree (bench/run's idle row): CPU_MARKS_WANT = {"idle-start", ...};
# run_timed fills CPU_MARKS[line] = (t_since_spawn, cpu_seconds)
CPU_MARKS_WANT = set()
CPU_MARKS = {}


def tree_cpu(pid):
    """user+sys CPU seconds of pid and its live descendants (every thread;
    /proc/PID/stat utime+stime), or None when pid is gone"""
    tick = os.sysconf("SC_CLK_TCK")
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            with open("/proc/%d/stat" % p) as f:
                st = f.read()
            fields = st[st.rindex(")") + 2:].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
            for tid in os.listdir("/proc/%d/task" % p):
                with open("/proc/%d/task/%s/children" % (p, tid)) as f:
                    todo += [int(c) for c in f.read().split()]
        except (OSError, ValueError):
            if p == pid:
                return None
    return total / tick


def run_timed(argv, timeout, on_output=None, cwd=None):
    """spawn argv, read its stdout (stderr merged) with a timestamp per
    chunk; returns (status, [(t_seconds_since_spawn, line_text)], wall,
    timed_out). status is the raw exit status (negative: signal)."""
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True, cwd=cwd)
    fd = p.stdout.fileno()
    lines, partial, timed_out = [], b"", False
    deadline = t0 + timeout if timeout else None
    CPU_MARKS.clear()
    import select
    while True:
        wait = None if deadline is None else max(0.0, deadline - time.monotonic())
        r, _, _ = select.select([fd], [], [], wait)
        if not r:
            timed_out = True
            os.killpg(p.pid, signal.SIGKILL)
            break
        chunk = os.read(fd, 65536)
        now = time.monotonic() - t0
        if not chunk:
            break
        if on_output:
            on_output(chunk)
        partial += chunk
        while b"\n" in partial:
            line, partial = partial.split(b"\n", 1)
            lines.append((now, line.decode("utf-8", "replace").rstrip("\r")))
            if lines[-1][1].strip() in CPU_MARKS_WANT:
                cpu = tree_cpu(p.pid)
                if cpu is not None:
                    CPU_MARKS[lines[-1][1].strip()] = (time.monotonic() - t0, cpu)
    if partial:
        lines.append((time.monotonic() - t0, partial.decode("utf-8", "replace")))
    _, wst, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(wst)
    p.stdout.close()
    RUSAGE[0] = ru.ru_utime + ru.ru_stime
    return p.returncode, lines, wall, timed_out


def decode(status, lines, timed_out):
    """(exit code or None, why, program output lines with times)"""
    started, out, code = False, [], None
    for t, l in lines:
        if not started:
            if l.strip() == START_MARK:
                started = True
            continue
        m = EXIT_RE.match(l)
        if m:
            code = int(m.group(1))
            break
        out.append((t, l))
    if timed_out:
        return None, "timed out", out
    if not started:
        panic = any("Kernel panic" in l for _, l in lines)
        return None, "kernel panic" if panic else "the guest never ran the program", out
    if code is None:
        return None, "no exit marker (QEMU status %d)" % status, out
    if status != ((code << 1) | 1) & 0xFF:
        return None, "QEMU status %d does not match exit code %d" % (status, code), out
    return code, "", out
