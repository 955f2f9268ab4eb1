#!/usr/bin/env python3
"""tapclient.py - the host side of tests/suites/76-tap and bench/net's tap
rows: talks to tests/guest/tap/tapsrv (or tests/guest/servers/tcpstream for
sink/source) from inside the runner's network namespace (`ip netns exec`),
so the only addresses used are the namespace's own (10.77.0.x, fd77::x).

  tapclient.py echo ADDR PORT            1 MB through ECHO in odd-sized
                                         pieces, every byte compared
  tapclient.py send ADDR PORT BYTES      SINK: the pattern, checked by the
                                         guest ("got N ok")
  tapclient.py recv ADDR PORT BYTES      SOURCE: the pattern, checked here
  tapclient.py udp ADDR PORT             datagrams of 1..8000 bytes (the
                                         large ones travel as IP fragments)
                                         echoed back byte for byte
  tapclient.py quit ADDR PORT            QUIT
Prints one line; "result send|recv MBPS MB/s" for the streams (MB = 10^6
bytes). Exit 0 on success, 1 on a failed check or a timeout (-t SECONDS,
default 60). Layer: host test tool.
"""
import socket
import sys
import time

PAT_LEN = 65521


def pattern():
    x, b = 1, bytearray(PAT_LEN)
    for i in range(PAT_LEN):
        x = (x * 1103515245 + 12345) & 0xFFFFFFFF
        b[i] = (x >> 24) & 255
    return bytes(b)


def fail(msg):
    print("tapclient: " + msg)
    sys.exit(1)


def connect(addr, port, timeout):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect((addr, port))
    return s


def recv_all(s):
    out = bytearray()
    while True:
        b = s.recv(65536)
        if not b:
            return bytes(out)
        out += b


def do_echo(addr, port, timeout):
    s = connect(addr, port, timeout)
    s.sendall(b"ECHO\n")
    data = bytes((i * 7 + (i >> 9)) & 255 for i in range(1 << 20))
    got = bytearray()
    sizes = [1, 7, 100, 1460, 1461, 4096, 9000, 65536, 100000]
    pos = i = 0
    while pos < len(data):
        n = sizes[i % len(sizes)]
        i += 1
        s.sendall(data[pos:pos + n])
        pos += n
        while len(got) < min(pos, len(data)) - 300000:  # keep the pipe moving
            got += s.recv(262144)
    s.shutdown(socket.SHUT_WR)
    got += recv_all(s)
    if bytes(got) != data:
        bad = next((k for k in range(min(len(got), len(data))) if got[k] != data[k]),
                   min(len(got), len(data)))
        fail("echo: %d of %d bytes back, first difference at %d" % (len(got), len(data), bad))
    print("echo %d bytes ok" % len(data))


def do_send(addr, port, n, timeout):
    pat = pattern()
    big = pat * 17
    s = connect(addr, port, timeout)
    s.sendall(b"SINK\n")
    t = time.time()
    sent = 0
    while sent < n:
        off = sent % PAT_LEN
        k = min(n - sent, len(big) - PAT_LEN)
        s.sendall(big[off:off + k])
        sent += k
    s.shutdown(socket.SHUT_WR)
    reply = recv_all(s).decode(errors="replace").strip()
    dt = time.time() - t
    if reply != "got %d ok" % n:
        fail("send: the guest answered %r after %d bytes" % (reply, n))
    print("result send %.1f MB/s" % (n / dt / 1e6))


def do_recv(addr, port, n, timeout):
    pat = pattern()
    pat2 = pat * 2
    s = connect(addr, port, timeout)
    s.sendall(b"SOURCE %d\n" % n)
    t = time.time()
    buf = bytearray(1 << 20)
    mv = memoryview(buf)
    got = 0
    while True:
        k = s.recv_into(buf)
        if k == 0:
            break
        pos = 0
        while pos < k:
            o = (got + pos) % PAT_LEN
            ln = min(k - pos, PAT_LEN)
            if mv[pos:pos + ln] != pat2[o:o + ln]:
                fail("recv: wrong byte near offset %d" % (got + pos))
            pos += ln
        got += k
    dt = time.time() - t
    if got != n:
        fail("recv: %d of %d bytes" % (got, n))
    print("result recv %.1f MB/s" % (n / dt / 1e6))


def do_udp(addr, port, timeout):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.settimeout(2)
    sizes = [1, 64, 512, 1400, 1472, 1473, 3000, 8000]
    for n in sizes:
        msg = bytes((n + i * 13) & 255 for i in range(n))
        for attempt in range(5):  # UDP: a lost datagram is retried
            s.sendto(msg, (addr, port))
            try:
                back, _ = s.recvfrom(65536)
            except socket.timeout:
                continue
            if back != msg:
                fail("udp: %d-byte datagram came back as %d different bytes" % (n, len(back)))
            break
        else:
            fail("udp: no answer to a %d-byte datagram (5 tries)" % n)
    print("udp %d datagrams (1..8000 bytes) ok" % len(sizes))


def main():
    args = sys.argv[1:]
    timeout = 60.0
    if "-t" in args:
        i = args.index("-t")
        timeout = float(args[i + 1])
        del args[i:i + 2]
    if len(args) < 3:
        print(__doc__)
        sys.exit(2)
    cmd, addr, port = args[0], args[1], int(args[2])
    try:
        if cmd == "echo":
            do_echo(addr, port, timeout)
        elif cmd == "send":
            do_send(addr, port, int(args[3]), timeout)
        elif cmd == "recv":
            do_recv(addr, port, int(args[3]), timeout)
        elif cmd == "udp":
            do_udp(addr, port, timeout)
        elif cmd == "quit":
            s = connect(addr, port, timeout)
            s.sendall(b"QUIT\n")
            s.close()
            print("quit sent")
        else:
            print(__doc__)
            sys.exit(2)
    except (OSError, socket.timeout) as e:
        fail("%s %s:%d: %s" % (cmd, addr, port, e))


main()
