"""Tiny packet crafter for integration tests: Ethernet/IPv4 with TCP or UDP,
checksums computed (or spoiled on request), written as a classic pcap.

    import craft
    pkts = [craft.tcp("10.0.0.1", "10.0.0.2", 1234, 80, "S", seq=1, data=b"hi")]
    craft.write("out.pcap", pkts)

Each packet is (seconds, bytes); times default to one millisecond apart.
"""
import struct

_FLAGS = {"F": 0x01, "S": 0x02, "R": 0x04, "P": 0x08, "A": 0x10, "U": 0x20}


def _csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def _ip(src, dst, proto, l4):
    a = bytes(int(x) for x in src.split("."))
    b = bytes(int(x) for x in dst.split("."))
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, 0, 64, proto, 0, a, b)
    hdr = hdr[:10] + struct.pack("!H", _csum(hdr)) + hdr[12:]
    return hdr, a + b


def _frame(ip_pkt):
    return b"\x00\x00\x00\x00\x00\x02" + b"\x00\x00\x00\x00\x00\x01" + b"\x08\x00" + ip_pkt


def tcp(src, dst, sport, dport, flags, seq=0, ack=0, data=b"", bad_csum=False):
    if isinstance(data, str):
        data = data.encode()
    fl = sum(_FLAGS[c] for c in flags)
    l4 = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, fl, 65535, 0, 0) + data
    hdr, pseudo_addrs = _ip(src, dst, 6, l4)
    pseudo = pseudo_addrs + struct.pack("!BBH", 0, 6, len(l4))
    c = _csum(pseudo + l4) ^ (0x1111 if bad_csum else 0)
    l4 = l4[:16] + struct.pack("!H", c) + l4[18:]
    return _frame(hdr + l4)


def udp(src, dst, sport, dport, data=b"", bad_csum=False):
    if isinstance(data, str):
        data = data.encode()
    l4 = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    hdr, pseudo_addrs = _ip(src, dst, 17, l4)
    pseudo = pseudo_addrs + struct.pack("!BBH", 0, 17, len(l4))
    c = _csum(pseudo + l4) ^ (0x1111 if bad_csum else 0)
    l4 = l4[:6] + struct.pack("!H", c or 0xFFFF) + l4[8:]
    return _frame(hdr + l4)


def write(path, frames, start=1700000000.0, step=0.001):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            t = start + i * step
            sec = int(t)
            usec = int(round((t - sec) * 1e6))
            f.write(struct.pack("<IIII", sec, usec, len(fr), len(fr)))
            f.write(fr)
