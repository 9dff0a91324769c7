#!/usr/bin/python3
"""Writes traffic.pcap: a fixed minute of mixed IPv4/IPv6 traffic for the exporters to meter.

Every packet has a fixed timestamp from BASE (2026-03-14 20:00:00 UTC) so the
flows' first/last times in the exports are known in advance.
Usage: traffic.py OUT.pcap
"""
import sys

from scapy.all import DNS, DNSQR, Ether, ICMP, ICMPv6EchoReply, ICMPv6EchoRequest, IP, IPv6, Raw, TCP, UDP, wrpcap

BASE = 1773518400  # 2026-03-14 20:00:00 UTC
MAC_HOST = "02:00:00:00:00:01"
MAC_GW = "02:00:00:00:00:02"


def frame(l3, out=True):
    src, dst = (MAC_HOST, MAC_GW) if out else (MAC_GW, MAC_HOST)
    return Ether(src=src, dst=dst) / l3


packets = []


def at(seconds, pkt):
    pkt.time = BASE + seconds
    packets.append(pkt)


def tcp_session(t0, cli, srv, sport, dport, tos, data_sizes, reply_sizes, ipv6=False, rst=False):
    """One TCP connection: handshake, data both ways with PSH, then FIN (or RST) close."""
    L3 = (lambda s, d: IPv6(src=s, dst=d, tc=tos)) if ipv6 else (lambda s, d: IP(src=s, dst=d, tos=tos))
    t = t0
    at(t, frame(L3(cli, srv) / TCP(sport=sport, dport=dport, flags="S", seq=1000)))
    if rst:
        at(t + 0.010, frame(L3(srv, cli) / TCP(sport=dport, dport=sport, flags="RA", ack=1001), out=False))
        return
    at(t + 0.010, frame(L3(srv, cli) / TCP(sport=dport, dport=sport, flags="SA", seq=5000, ack=1001), out=False))
    at(t + 0.020, frame(L3(cli, srv) / TCP(sport=sport, dport=dport, flags="A", seq=1001, ack=5001)))
    t += 0.100
    for n in data_sizes:
        at(t, frame(L3(cli, srv) / TCP(sport=sport, dport=dport, flags="PA") / Raw(b"q" * n)))
        t += 0.250
    for n in reply_sizes:
        at(t, frame(L3(srv, cli) / TCP(sport=dport, dport=sport, flags="PA") / Raw(b"r" * n), out=False))
        t += 0.250
    at(t, frame(L3(cli, srv) / TCP(sport=sport, dport=dport, flags="FA")))
    at(t + 0.010, frame(L3(srv, cli) / TCP(sport=dport, dport=sport, flags="FA"), out=False))
    at(t + 0.020, frame(L3(cli, srv) / TCP(sport=sport, dport=dport, flags="A")))


# IPv4 TCP: web, TLS with a DSCP, a refused ssh (RST), a long bulk transfer.
tcp_session(0.5, "10.1.1.10", "192.0.2.80", 40001, 80, 0x00, [120, 80], [1400, 1400, 900])
tcp_session(3.0, "10.1.1.11", "198.51.100.25", 40002, 443, 0x28, [517, 64, 64, 300], [1200] * 6)
tcp_session(7.25, "10.1.2.20", "203.0.113.7", 50000, 22, 0x00, [], [], rst=True)
tcp_session(12.0, "10.1.1.12", "198.51.100.26", 40003, 8080, 0x10, [1460] * 12, [40] * 3)

# IPv4 UDP: DNS query/answer pairs, an RTP-like EF stream, a traceroute-like probe.
for i, (t, name) in enumerate([(1.0, "example.org"), (2.5, "example.net"), (20.0, "flowkeep.test")]):
    q = DNS(id=0x1000 + i, rd=1, qd=DNSQR(qname=name))
    at(t, frame(IP(src="10.1.1.10", dst="192.0.2.53") / UDP(sport=53000, dport=53) / q))
    a = DNS(id=0x1000 + i, qr=1, rd=1, ra=1, qd=DNSQR(qname=name))
    at(t + 0.004, frame(IP(src="192.0.2.53", dst="10.1.1.10") / UDP(sport=53, dport=53000) / a, out=False))
for i in range(30):
    at(25.0 + i * 0.020, frame(IP(src="10.1.3.30", dst="198.51.100.99", tos=0xB8) / UDP(sport=5004, dport=5006) / Raw(b"m" * 160)))
for i in range(3):
    at(40.0 + i * 0.5, frame(IP(src="10.1.1.12", dst="203.0.113.50", ttl=1 + i) / UDP(sport=61000, dport=33434 + i) / Raw(b"t" * 32)))

# IPv4 ICMP: echo request/reply, then unreachable and time-exceeded errors back to the host.
for i in range(4):
    at(30.0 + i, frame(IP(src="10.1.1.10", dst="192.0.2.1") / ICMP(type=8, code=0, id=7, seq=i) / Raw(b"p" * 56)))
    at(30.002 + i, frame(IP(src="192.0.2.1", dst="10.1.1.10") / ICMP(type=0, code=0, id=7, seq=i) / Raw(b"p" * 56), out=False))
at(41.0, frame(IP(src="203.0.113.50", dst="10.1.1.12", tos=0xC0) / ICMP(type=3, code=3) / Raw(b"u" * 28), out=False))
at(42.0, frame(IP(src="192.0.2.254", dst="10.1.1.12", tos=0xC0) / ICMP(type=11, code=0) / Raw(b"x" * 28), out=False))

# IPv6: a TCP session, a DNS exchange over UDP, an ICMPv6 echo.
tcp_session(45.0, "2001:db8:1::10", "2001:db8:2::80", 40100, 443, 0x00, [300], [1200, 700], ipv6=True)
at(50.0, frame(IPv6(src="2001:db8:1::10", dst="2001:db8:2::53") / UDP(sport=53001, dport=53) / DNS(id=0x2000, rd=1, qd=DNSQR(qname="example.org", qtype="AAAA"))))
at(50.003, frame(IPv6(src="2001:db8:2::53", dst="2001:db8:1::10") / UDP(sport=53, dport=53001) / DNS(id=0x2000, qr=1, qd=DNSQR(qname="example.org", qtype="AAAA")), out=False))
for i in range(2):
    at(55.0 + i, frame(IPv6(src="2001:db8:1::10", dst="2001:db8:2::1", tc=0x20) / ICMPv6EchoRequest(id=9, seq=i) / Raw(b"s" * 40)))

# IPv6 outside 2001:db8:1::/48 and at its edges, so that a query for that prefix (the
# e2e test's `flow-select --ip 2001:db8:1::/48` against nfdump's `net 2001:db8:1::/48`)
# must leave flows out: a TCP session with neither end inside; the prefix's last /64 sending
# to the address just below the prefix; that address to the first of the next /48; an echo
# from outside answered from inside.
tcp_session(47.0, "2001:db8:3::20", "2001:db8:2::80", 40200, 80, 0x00, [200], [1000], ipv6=True)
for i in range(3):
    at(52.0 + i * 0.1, frame(IPv6(src="2001:db8:1:ffff::7", dst="2001:db8:0:ffff::9") / UDP(sport=5353, dport=5353) / Raw(b"n" * 64)))
at(53.0, frame(IPv6(src="2001:db8:0:ffff::9", dst="2001:db8:2::") / UDP(sport=123, dport=123) / Raw(b"c" * 48), out=False))
for i in range(2):
    at(57.0 + i * 0.5, frame(IPv6(src="2001:db8:4::1", dst="2001:db8:1::10") / ICMPv6EchoRequest(id=11, seq=i) / Raw(b"e" * 24), out=False))
    at(57.001 + i * 0.5, frame(IPv6(src="2001:db8:1::10", dst="2001:db8:4::1") / ICMPv6EchoReply(id=11, seq=i) / Raw(b"e" * 24)))

# The last packet closes the minute.
at(59.5, frame(IP(src="10.1.1.10", dst="192.0.2.53") / UDP(sport=53002, dport=53) / DNS(id=0x1fff, rd=1, qd=DNSQR(qname="end.test"))))

packets.sort(key=lambda p: p.time)
wrpcap(sys.argv[1], packets)
print(f"{len(packets)} packets", file=sys.stderr)
