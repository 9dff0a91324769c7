#!/usr/bin/python3
"""Stores each UDP datagram arriving on 127.0.0.1:PORT as DIR/NNNN.bin, in arrival order.

Prints "ready" once bound, so the caller starts the exporter only after that.
Stops IDLE seconds after the last datagram (or after DEADLINE seconds without
any) and exits non-zero if nothing arrived.
Usage: receive.py PORT DIR [IDLE] [DEADLINE]
"""
import os
import socket
import sys
import time

port, outdir = int(sys.argv[1]), sys.argv[2]
idle = float(sys.argv[3]) if len(sys.argv) > 3 else 3.0
deadline = time.monotonic() + (float(sys.argv[4]) if len(sys.argv) > 4 else 60.0)
os.makedirs(outdir, exist_ok=True)

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("127.0.0.1", port))
print("ready", flush=True)
count = 0
while True:
    budget = idle if count else deadline - time.monotonic()
    if budget <= 0:
        break
    sock.settimeout(budget)
    try:
        data, _ = sock.recvfrom(65535)
    except socket.timeout:
        break
    count += 1
    with open(os.path.join(outdir, f"{count:04d}.bin"), "wb") as f:
        f.write(data)
print(f"{count} datagrams in {outdir}", file=sys.stderr)
sys.exit(0 if count else 1)
