#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A scripted HTTP/1.1 server that misbehaves on purpose, for tst_downloadtask.

Binds 127.0.0.1 on a free port, prints that port on one line of stdout, then serves until
killed. Python 3 standard library only. Every response closes its connection, except where
a stall keeps it open. The request path picks the behaviour:

  /file                 200, Content-Length, the body (see body() below)
  /slow?ms=N            200, Content-Length, the body in 4 parts over about N ms
  /trickle              200, Content-Length, 1 000 bytes in 50-byte parts every 60 ms
  /status/NNN           that status with its reason phrase and a short page (none for 1xx/204/304)
  /redirect/N           302 to /redirect/N-1; /redirect/0 is 302 to /file
  /redirect-to/URL      302 to URL (percent-decoded), e.g. /redirect-to/ftp%3A//host/x
  /loop                 302 to /loop, for ever
  /redirect-nolocation  302 without a Location
  /short                Content-Length: 200 000, then 50 000 bytes and a clean close
  /long                 Content-Length: 1 000, then the whole body and a close
  /nolength             the body without Content-Length, ended by closing the connection
  /nolength-stall       the body without Content-Length, then silence
  /huge                 Content-Length: 10^15, then 64 KiB and a close
  /huge-overflow        Content-Length: 10^30 (beyond 64 bits), then 64 KiB and a close
  /stall-headers        reads the request and never answers
  /stall-body           Content-Length, 100 000 bytes, then silence
  /reset-headers        reads the request, then a TCP reset (RST) before any answer
  /reset-body           Content-Length, 100 000 bytes, then a TCP reset
  /close-headers        reads the request, then a clean close before any answer
  /garbage              a response that is not HTTP
"""

import http.client
import socket
import socketserver
import struct
import time
import urllib.parse

BODY_SIZE = 1024 * 1024 + 123
STALL_SECONDS = 120


def body(size=BODY_SIZE):
    """The same bytes as makeBody() in tst_downloadtask.cpp: byte i is (7 i + i / 4093) & 0xff."""
    # Block by block (4093 bytes share i / 4093), so that start-up stays fast.
    ramp = bytes((7 * i) & 0xFF for i in range(256)) * (4093 // 256 + 2)
    out = bytearray()
    for block, start in enumerate(range(0, size, 4093)):
        shift = bytes((v + block) & 0xFF for v in range(256))
        offset = start % 256
        out += ramp[offset:offset + min(4093, size - start)].translate(shift)
    return bytes(out)


BODY = body()


def reason(status):
    try:
        return http.client.responses[status]
    except KeyError:
        return "Unknown"


class Handler(socketserver.BaseRequestHandler):
    def setup(self):
        self.sock = self.request
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def read_request(self):
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.sock.recv(4096)
            if not chunk:
                return None
            data += chunk
        return data.split(b"\r\n", 1)[0].split(b" ")[1].decode("latin-1")

    def send(self, data):
        self.sock.sendall(data)

    def head(self, status, headers=()):
        lines = ["HTTP/1.1 %d %s" % (status, reason(status)), "Connection: close"]
        lines += ["%s: %s" % h for h in headers]
        self.send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    def ok(self, length, extra=()):
        headers = [("Content-Type", "application/octet-stream")]
        if length is not None:
            headers.append(("Content-Length", str(length)))
        self.head(200, headers + list(extra))

    def redirect(self, location):
        headers = [("Content-Length", "0")]
        if location is not None:
            headers.append(("Location", location))
        self.head(302, headers)

    def reset(self):
        # SO_LINGER with a zero timeout: close() sends RST instead of FIN.
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    def stall(self):
        # Keep the connection open until the peer goes away (or a long time passes).
        self.sock.settimeout(STALL_SECONDS)
        try:
            while self.sock.recv(4096):
                pass
        except OSError:
            pass

    def handle(self):
        try:
            target = self.read_request()
        except OSError:
            return
        if target is None:
            return
        url = urllib.parse.urlsplit(target)
        path, query = url.path, urllib.parse.parse_qs(url.query)
        try:
            self.serve(path, query)
        except OSError:
            pass  # the client went away: that is its right

    def serve(self, path, query):
        if path == "/file":
            self.ok(len(BODY))
            self.send(BODY)
        elif path == "/slow":
            delay = int(query.get("ms", ["400"])[0]) / 1000 / 4
            self.ok(len(BODY))
            part = len(BODY) // 4 + 1
            for i in range(4):
                time.sleep(delay)
                self.send(BODY[i * part:(i + 1) * part])
        elif path == "/trickle":
            data = BODY[:1000]
            self.ok(len(data))
            for i in range(0, len(data), 50):
                time.sleep(0.06)
                self.send(data[i:i + 50])
        elif path.startswith("/status/"):
            status = int(path[len("/status/"):])
            if status < 200 or status in (204, 304):
                self.head(status)
            else:
                page = ("%d %s\n" % (status, reason(status))).encode()
                self.head(status, [("Content-Length", str(len(page)))])
                self.send(page)
        elif path.startswith("/redirect/"):
            n = int(path[len("/redirect/"):])
            self.redirect("/redirect/%d" % (n - 1) if n > 0 else "/file")
        elif path.startswith("/redirect-to/"):
            self.redirect(urllib.parse.unquote(path[len("/redirect-to/"):]))
        elif path == "/loop":
            self.redirect("/loop")
        elif path == "/redirect-nolocation":
            self.redirect(None)
        elif path == "/short":
            self.ok(200000)
            self.send(BODY[:50000])
        elif path == "/long":
            self.ok(1000)
            self.send(BODY)
        elif path == "/nolength":
            self.ok(None)
            self.send(BODY)
        elif path == "/nolength-stall":
            self.ok(None)
            self.send(BODY)
            self.stall()
        elif path == "/huge":
            self.ok(10**15)
            self.send(BODY[:65536])
        elif path == "/huge-overflow":
            self.ok(10**30)
            self.send(BODY[:65536])
        elif path == "/stall-headers":
            self.stall()
        elif path == "/stall-body":
            self.ok(len(BODY))
            self.send(BODY[:100000])
            self.stall()
        elif path == "/reset-headers":
            self.reset()
        elif path == "/reset-body":
            self.ok(len(BODY))
            self.send(BODY[:100000])
            time.sleep(0.05)  # let the bytes leave before the reset overtakes them
            self.reset()
        elif path == "/close-headers":
            pass
        elif path == "/garbage":
            self.send(b"THIS IS NOT HTTP\r\n\r\n")
        else:
            self.head(404, [("Content-Length", "0")])


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def main():
    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
