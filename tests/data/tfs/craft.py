#!/usr/bin/env python3
"""Write hand-made TFS v5 images for tests/suites/25-dump-corrupt (no
third-party modules). Independent of lib/: it encodes by the format facts in
docs/tfs-format.md, so it can also make images lib/ must reject.

  craft.py KIND OUT     KIND is one of the names in KINDS below
  craft.py all DIR      every KIND as DIR/KIND.img
  craft.py mutate SRC DIR COUNT LIMIT
                        DIR/1 .. DIR/COUNT: the first LIMIT bytes of SRC with
                        1-4 random bytes changed (seeded by the number); dd
                        one over a copy of SRC (conv=notrunc) to get an image
  craft.py garbage OUT SIZE
                        SIZE seeded random bytes
"""
import random
import sys

SECTOR = 512


def varint(n):
    out = [n & 0x7f]
    n >>= 7
    while n:
        out.append(0x80 | (n & 0x7f))
        n >>= 7
    return bytes(reversed(out))


def header(imm, typ, length):
    first = (imm << 7) | (typ << 4)
    if length < 8:
        return bytes([first | length])
    words = 1
    while words < 9 and (length >> (7 * words)) >= 8:
        words += 1
    out = [first | 0x08 | (length >> (7 * words))]
    for i in range(words - 1, -1, -1):
        out.append(((length >> (7 * i)) & 0x7f) | (0x80 if i else 0))
    return bytes(out)


class Ref:
    """a reference to dictionary index n (a tuple)"""
    def __init__(self, n):
        self.n = n


class Enc:
    def __init__(self):
        self.syms = {}
        self.count = 0

    def sym(self, s):
        b = s.encode() if isinstance(s, str) else s
        if b in self.syms:
            return header(0, 0, self.syms[b])
        self.count += 1
        self.syms[b] = self.count
        return header(1, 0, len(b)) + b

    def value(self, v):
        if isinstance(v, Ref):
            return header(0, 1, 0) + varint(v.n)
        if isinstance(v, dict):
            self.count += 1
            out = header(1, 1, len(v))
            for k, x in v.items():
                out += self.sym(k) + self.value(x)
            return out
        if isinstance(v, list):
            self.count += 1
            return header(1, 2, len(v)) + b''.join(self.value(x) for x in v)
        if isinstance(v, int):
            return header(1, 3, 1 if v < 0 else 0) + varint(abs(v))
        b = v.encode() if isinstance(v, str) else v
        return header(1, 4, len(b)) + b


def image(records, sectors=4096, data=None, label=b'craft', link=(1, 1024), frames=None):
    """ext 0 at 0 linking to a log extension at 1; records as
    TUPLE_AVAILABLE frames (or raw frame bytes); data: {sector: bytes}"""
    img = bytearray(sectors * SECTOR)
    e0 = b'NVMTFS' + varint(5) + varint(1) + bytes(range(16)) + label + b'\0'
    e0 += b'\x05' + varint(link[0]) + varint(link[1]) + b'\x01'
    img[0:len(e0)] = e0
    log = b'NVMTFS' + varint(5) + varint(1024)
    if frames is None:
        frames = b''.join(b'\x02' + varint(len(r)) + varint(len(r)) + r for r in records)
    log += frames + b'\x01'
    img[SECTOR:SECTOR + len(log)] = log
    for sec, b in (data or {}).items():
        img[sec * SECTOR:sec * SECTOR + len(b)] = b
    return img


def file_node(sector, content):
    n = (len(content) + SECTOR - 1) // SECTOR
    return {'extents': {'0': {'offset': sector, 'length': n, 'allocated': n}},
            'filelength': len(content)}


def tree_image(children, extra=None):
    data = {}
    sec = 3000

    def conv(d):
        nonlocal sec
        out = {}
        for k, v in d.items():
            if isinstance(v, bytes):
                out[k] = file_node(sec, v)
                data[sec] = v
                sec += 1 + len(v) // SECTOR
            elif isinstance(v, dict) and '->' in v:
                out[k] = {'linktarget': v['->']}
            else:
                out[k] = {'children': conv(v)}
        return out

    root = {'children': conv(children)}
    root.update(extra or {})
    return image([Enc().value(root)], data=data)


def deep(n):
    v = {}
    for _ in range(n):
        v = {'children': {'d': v}}
    return v


KINDS = {
    # a valid image (sanity check of this encoder against dump)
    'good': lambda: tree_image({'dir': {'f.txt': b'hello\n'}, 'ln': {'->': '/dir/f.txt'}}),
    # hostile names: dump -d must refuse them and write nothing outside
    'dotdot': lambda: tree_image({'..': {'evil.txt': b'pwned\n'}, 'ok.txt': b'fine\n'}),
    'dot': lambda: tree_image({'.': {'evil.txt': b'pwned\n'}}),
    'slash': lambda: tree_image({'a/../../evil.txt': b'pwned\n'}),
    'empty-name': lambda: tree_image({'': b'pwned\n'}),
    'nul-name': lambda: tree_image({'a\0b': b'pwned\n'}),
    'plain-x': lambda: tree_image({'x': b'pwned\n'}),
    # structural corruption lib/ must reject
    'cycle': lambda: image([Enc().value({'children': {'loop': Ref(1)}})]),
    'shared': lambda: image([Enc().value({'children': {'a': {}, 'b': Ref(3)}})]),
    'deep-record': lambda: image([Enc().value(deep(300))]),
    'extent-past-end': lambda: image([Enc().value(
        {'children': {'f': file_node(4095, b'x' * 2000)}})]),
    'extent-at-0': lambda: image([Enc().value({'children': {'f': file_node(0, b'x')}})]),
    'huge-record': lambda: image([], frames=b'\x02' + varint(1 << 60) + varint(10) + bytes(10)),
    'split-no-end': lambda: image([], frames=b'\x02' + varint(100) + varint(10) + bytes(10)),
    'bad-frame': lambda: image([], frames=b'\x09'),
    'link-loop': lambda: image([], frames=b'\x05' + varint(1) + varint(1024)),
    'link-zero': lambda: image([], frames=b'\x05' + varint(2000) + varint(0)),
    'no-end-of-log': lambda: image([], frames=b'\x04' * (1024 * SECTOR - 9)),
    'not-a-tuple-root': lambda: image([Enc().value(['a', 'b'])]),
    'bad-key': lambda: image([header(1, 1, 1) + header(1, 3, 0) + varint(1) + header(1, 1, 0)]),
}


def main():
    a = sys.argv[1:]
    if len(a) == 2 and a[0] in KINDS:
        with open(a[1], 'wb') as f:
            f.write(KINDS[a[0]]())
        return
    if len(a) == 2 and a[0] == 'all':
        for k, fn in KINDS.items():
            with open('%s/%s.img' % (a[1], k), 'wb') as f:
                f.write(fn())
        return
    if len(a) == 5 and a[0] == 'mutate':
        with open(a[1], 'rb') as f:
            orig = f.read(int(a[4]))
        for seed in range(1, int(a[3]) + 1):
            data = bytearray(orig)
            rnd = random.Random(seed)
            for _ in range(seed % 4 + 1):
                data[rnd.randrange(len(data))] = rnd.randrange(256)
            with open('%s/%d' % (a[2], seed), 'wb') as f:
                f.write(data)
        return
    if len(a) == 3 and a[0] == 'garbage':
        with open(a[1], 'wb') as f:
            f.write(random.Random(7).randbytes(int(a[2])))
        return
    if len(a) == 1 and a[0] == 'list':
        print(' '.join(KINDS))
        return
    print(__doc__, file=sys.stderr)
    sys.exit(2)


if __name__ == '__main__':
    main()
