#!/usr/bin/env python3
"""Checks used by tests/suites/30-mkfs (no third-party modules).

  check.py files DIR                 print "sha256 size path" of every regular
                                     file under DIR, sorted by path (the
                                     format of tests/data/vectors/vN.files)
  check.py meta OURS REF             OURS: a root tuple in monos manifest
                                     syntax (dump -m); REF: the reference
                                     mkfs's pretty-printed vN.metadata.
                                     Exit 0 if they are the same tree once
                                     file nodes drop extents/filelength
                                     (block placement differs by design).
  check.py same-meta A B             both in monos manifest syntax: equal
                                     after the same normalisation
  check.py get OURS KEY              print the value of root key KEY (a
                                     string), "ABSENT" if missing
  check.py mbr IMAGE BOOTIMG         check the partition table and layout of
                                     a -b image; print "boot_lba boot_sectors
                                     root_lba root_sectors" on success
"""
import hashlib
import os
import sys


def die(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


# ---- monos manifest syntax: ( name:value ... ) [ value ... ] "quoted" # comments
def parse_monos(text):
    pos = 0
    n = len(text)

    def skip():
        nonlocal pos
        while pos < n:
            if text[pos].isspace():
                pos += 1
            elif text[pos] == '#':
                while pos < n and text[pos] != '\n':
                    pos += 1
            else:
                break

    def atom():
        nonlocal pos
        if text[pos] == '"':
            pos += 1
            out = []
            while pos < n and text[pos] != '"':
                c = text[pos]
                if c == '\\':
                    pos += 1
                    c = text[pos]
                    c = {'n': '\n', 't': '\t', 'r': '\r', '0': '\0'}.get(c, c)
                    if c == 'x':
                        c = chr(int(text[pos + 1:pos + 3], 16))
                        pos += 2
                out.append(c)
                pos += 1
            if pos >= n:
                die('unterminated string')
            pos += 1
            return ''.join(out)
        start = pos
        while pos < n and not text[pos].isspace() and text[pos] not in '()[]:#"':
            pos += 1
        if pos == start:
            die('expected a value at %d: %r' % (pos, text[pos:pos + 20]))
        return text[start:pos]

    def value():
        nonlocal pos
        skip()
        if text[pos] == '(':
            pos += 1
            d = {}
            while True:
                skip()
                if text[pos] == ')':
                    pos += 1
                    return d
                k = atom()
                skip()
                if text[pos] != ':':
                    die('expected : after %r' % k)
                pos += 1
                d[k] = value()
        if text[pos] == '[':
            pos += 1
            v = []
            while True:
                skip()
                if text[pos] == ']':
                    pos += 1
                    return v
                v.append(value())
        return atom()

    v = value()
    skip()
    if pos != n:
        die('trailing text: %r' % text[pos:pos + 20])
    return v


# ---- the reference pretty-printer's layout: one entry / item per line,
# strings bare (may hold spaces), so an atom runs to the end of the line or
# to a closing bracket.
def parse_ref(text):
    lines = text.split('\n')
    if lines and lines[0].strip() == 'metadata':
        text = '\n'.join(lines[1:])
    pos = 0
    n = len(text)

    def skip():
        nonlocal pos
        while pos < n and text[pos].isspace():
            pos += 1

    def atom(stop):
        nonlocal pos
        start = pos
        while pos < n and text[pos] not in stop:
            pos += 1
        return text[start:pos]

    def value():
        nonlocal pos
        skip()
        if text[pos] == '(':
            pos += 1
            d = {}
            while True:
                skip()
                if text[pos] == ')':
                    pos += 1
                    return d
                k = atom(':')
                pos += 1
                d[k] = value()
        if text[pos] == '[':
            pos += 1
            v = []
            while True:
                skip()
                if text[pos] == ']':
                    pos += 1
                    return v
                v.append(value())
        return atom('\n)]')

    return value()


def normalise(v, in_children=False):
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            if in_children:
                out[k] = normalise_node(x)
            else:
                out[k] = normalise(x, k == 'children')
        return out
    if isinstance(v, list):
        return [normalise(x) for x in v]
    return v


def normalise_node(node):
    if not isinstance(node, dict):
        return node
    out = {}
    for k, x in node.items():
        if k in ('extents', 'filelength'):
            continue
        out[k] = normalise(x, k == 'children')
    return out


def diff(a, b, path=''):
    if type(a) != type(b):
        return ['%s: %r vs %r' % (path or '/', a, b)]
    if isinstance(a, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            if k not in a:
                out.append('%s/%s: missing in ours' % (path, k))
            elif k not in b:
                out.append('%s/%s: extra in ours' % (path, k))
            else:
                out += diff(a[k], b[k], path + '/' + k)
        return out
    if a != b:
        return ['%s: %r vs %r' % (path or '/', a, b)]
    return []


def cmd_files(d):
    rows = []
    for top, dirs, files in os.walk(d):
        for f in files:
            p = os.path.join(top, f)
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            h = hashlib.sha256()
            size = 0
            with open(p, 'rb') as fh:
                while True:
                    b = fh.read(1 << 20)
                    if not b:
                        break
                    h.update(b)
                    size += len(b)
            rows.append((os.path.relpath(p, d), h.hexdigest(), size))
    for rel, h, size in sorted(rows):
        print('%s %d %s' % (h, size, rel))


def read(p):
    with open(p, encoding='utf-8', errors='surrogateescape') as f:
        return f.read()


def cmd_meta(ours, ref):
    a = normalise(parse_monos(read(ours)))
    b = normalise(parse_ref(read(ref)))
    d = diff(a, b)
    if d:
        die('; '.join(d[:10]))


def cmd_same(a, b):
    d = diff(normalise(parse_monos(read(a))), normalise(parse_monos(read(b))))
    if d:
        die('; '.join(d[:10]))


def cmd_get(ours, key):
    v = parse_monos(read(ours))
    x = v.get(key)
    print('ABSENT' if x is None else x)


def cmd_mbr(image, boot):
    with open(image, 'rb') as f:
        s0 = f.read(512)
        s1 = f.read(512)
        total = os.fstat(f.fileno()).st_size // 512
        with open(boot, 'rb') as g:
            b = g.read()
        if s0[:446] != b[:446]:
            die('stage1 code (bytes 0..445) not kept')
        if s0[510:512] != b'\x55\xaa':
            die('no 0x55AA signature')
        if len(b) > 512 and s1[:len(b) - 512] != b[512:1024]:
            die('stage2 (LBA 1) differs from the boot image')
        parts = []
        for i in range(4):
            e = s0[446 + 16 * i:446 + 16 * (i + 1)]
            ptype = e[4]
            lba = int.from_bytes(e[8:12], 'little')
            cnt = int.from_bytes(e[12:16], 'little')
            parts.append((ptype, lba, cnt))
        (t1, l1, c1), (t2, l2, c2) = parts[0], parts[1]
        if parts[2][0] or parts[3][0]:
            die('unexpected partitions 3/4: %r' % parts[2:])
        if t1 != 0x83 or t2 != 0x83:
            die('partition types %#x %#x, want 0x83' % (t1, t2))
        if l1 % 2048 or l2 % 2048:
            die('partitions not 1 MiB aligned: %d %d' % (l1, l2))
        bootsecs = (len(b) + 511) // 512
        if l1 - 8 < bootsecs:
            die('KLOG overlaps the boot image')
        if l1 + c1 > l2:
            die('bootfs overlaps rootfs')
        if l2 + c2 != total:
            die('rootfs ends at %d, image has %d sectors' % (l2 + c2, total))
        f.seek((l1 - 8) * 512)
        if f.read(8 * 512) != bytes(8 * 512):
            die('KLOG area not zeroed')
        for lba in (l1, l2):
            f.seek(lba * 512)
            if f.read(6) != b'NVMTFS':
                die('no TFS at LBA %d' % lba)
        print(l1, c1, l2, c2)


def main():
    a = sys.argv[1:]
    cmds = {'files': (cmd_files, 1), 'meta': (cmd_meta, 2),
            'same-meta': (cmd_same, 2), 'get': (cmd_get, 2),
            'mbr': (cmd_mbr, 2)}
    if not a or a[0] not in cmds or len(a) - 1 != cmds[a[0]][1]:
        die(__doc__)
    cmds[a[0]][0](*a[1:])


if __name__ == '__main__':
    main()
