#!/usr/bin/env python3
# gen_blob.py - writes the PVH test kernel's data blob (boot/test/pvh_test.S):
# N little-endian words w(i) = (i * 0x9e3779b1) ^ (i >> 5) ^ 0x5a5a5a5a.
# Layer: boot tests; run by boot/build.mk. Usage: gen_blob.py OUT BYTES
import struct
import sys

out, size = sys.argv[1], int(sys.argv[2])
words = size // 4
data = bytearray(words * 4)
for i in range(words):
    w = ((i * 0x9E3779B1) ^ (i >> 5) ^ 0x5A5A5A5A) & 0xFFFFFFFF
    struct.pack_into("<I", data, i * 4, w)
with open(out, "wb") as f:
    f.write(data)
