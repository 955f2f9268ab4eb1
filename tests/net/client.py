#!/usr/bin/env python3
"""tests/net/client.py - host side of tests/suites/70-net: connects to the
guest's net_selftest responder through QEMU's hostfwd on 127.0.0.1 (only),
retrying until the banner arrives (the forward accepts before the guest
listens), then measures 1-byte round trips and echoes a bulk payload back
byte for byte. Prints one line: "banner=<text> rtt_ms=<median> bulk_kib=<n>
bulk_ms=<t>" and exits 0, or "error: ..." and exits 1.
Usage: client.py PORT [DEADLINE_SECS] [BULK_KIB]"""
import os
import socket
import sys
import time


def recv_exact(s, n):
    buf = bytearray()
    while len(buf) < n:
        b = s.recv(n - len(buf))
        if not b:
            raise EOFError("connection closed after %d of %d bytes" % (len(buf), n))
        buf += b
    return bytes(buf)


def main():
    port = int(sys.argv[1])
    deadline = time.time() + (float(sys.argv[2]) if len(sys.argv) > 2 else 30)
    bulk = int(sys.argv[3]) if len(sys.argv) > 3 else 256
    last = "no attempt"
    while time.time() < deadline:
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
        except OSError as e:
            last = "connect: %s" % e
            time.sleep(0.2)
            continue
        try:
            line = b""
            while not line.endswith(b"\n"):
                b = s.recv(200)
                if not b:
                    break
                line += b
            if not line.endswith(b"\n"):
                last = "no banner (guest not listening yet?)"
                s.close()
                time.sleep(0.2)
                continue
            s.settimeout(20)
            rtts = []
            for i in range(20):
                t0 = time.perf_counter()
                s.sendall(bytes([65 + i]))
                if recv_exact(s, 1) != bytes([65 + i]):
                    raise ValueError("echo byte %d differs" % i)
                rtts.append((time.perf_counter() - t0) * 1000)
            rtts.sort()
            data = os.urandom(bulk * 1024)
            t0 = time.perf_counter()
            s.sendall(data)
            back = recv_exact(s, len(data))
            bulk_ms = (time.perf_counter() - t0) * 1000
            if back != data:
                raise ValueError("bulk echo differs")
            s.close()
            print("banner=%s rtt_ms=%.2f bulk_kib=%d bulk_ms=%.0f" %
                  (line.decode(errors="replace").strip().replace(" ", "_"),
                   rtts[len(rtts) // 2], bulk, bulk_ms))
            return 0
        except (OSError, EOFError, ValueError) as e:
            print("error: %s" % e)
            return 1
    print("error: %s" % last)
    return 1


sys.exit(main())
