#!/usr/bin/python3
"""Sends stored datagrams, in the order given, to 127.0.0.1:PORT (the reference collector).

A short pause between datagrams keeps the collector's socket buffer from dropping any.
Usage: replay.py PORT FILE...
"""
import socket
import sys
import time

port = int(sys.argv[1])
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for path in sys.argv[2:]:
    with open(path, "rb") as f:
        sock.sendto(f.read(), ("127.0.0.1", port))
    time.sleep(0.05)
