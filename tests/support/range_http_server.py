#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""An HTTP/1.1 server with byte ranges, for tst_downloadtask's resume tests.

Usage: range_http_server.py FOLDER. Binds 127.0.0.1 on a free port, prints that port on one
line of stdout, then serves the files in FOLDER until killed. Python 3 standard library only.
Every response closes its connection. Once it has sent a response's headers it prints one line:

  GET <path?query> range=<Range or -> if-range=<If-Range or -> status=<status>

A file's strong ETag is a digest of its bytes, its Last-Modified its mtime. It honours a single
`Range: bytes=N-` (or N-M): 206 with Content-Range, 416 past the end; and If-Range (an ETag or
the exact Last-Modified), which turns a range request for a changed file into a 200. The query
string makes it misbehave on purpose:

  etag=0      no ETag              weak=1     the ETag is weak (W/"...")
  lm=0        no Last-Modified     ranges=0   Range is ignored: always 200, whole file
  ifrange=0   If-Range is ignored: a range is served even for a changed file
  badrange=1  a 206 whose range starts 100 bytes after the one asked for (bytes and header agree)
  drop=N      each response closes its connection after N bytes of its body (rst=1: with a reset)
  stallat=X   stops sending at byte X of the file and keeps the connection open
  chunk=N, delay=MS   sends the body N bytes at a time, MS ms apart
  idle=S      a send blocked for S seconds (the client stopped reading) closes the connection
"""

import email.utils
import hashlib
import http.server
import os
import re
import socket
import struct
import sys
import time
import urllib.parse

STALL_SECONDS = 120


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.close_connection = True
        self.serve()

    def serve(self):
        url = urllib.parse.urlsplit(self.path)
        query = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
        name = urllib.parse.unquote(url.path).lstrip("/")
        path = os.path.join(sys.argv[1], name)
        if "/" in name or not os.path.isfile(path):
            self.answer(404, [], b"")
            return
        with open(path, "rb") as f:
            data = f.read()
        mtime = os.stat(path).st_mtime
        tag = '"%s"' % hashlib.sha256(data).hexdigest()[:20]
        if query.get("weak") == "1":
            tag = "W/" + tag
        modified = email.utils.formatdate(mtime, usegmt=True)
        validators = []
        if query.get("etag") != "0":
            validators.append(("ETag", tag))
        if query.get("lm") != "0":
            validators.append(("Last-Modified", modified))

        first, last = 0, len(data) - 1
        status = 200
        wanted = self.headers.get("Range")
        condition = self.headers.get("If-Range")
        fresh = condition is None or query.get("ifrange") == "0" or condition in (tag, modified)
        if wanted and query.get("ranges") != "0" and fresh:
            match = re.fullmatch(r"bytes=(\d+)-(\d*)", wanted.strip())
            if match:
                first = int(match.group(1))
                if match.group(2):
                    last = min(last, int(match.group(2)))
                if first >= len(data):
                    self.answer(416, [("Content-Range", "bytes */%d" % len(data))], b"")
                    return
                if query.get("badrange") == "1":
                    first = min(first + 100, last)
                status = 206
        headers = list(validators)
        if status == 206:
            headers.append(("Content-Range", "bytes %d-%d/%d" % (first, last, len(data))))
        self.answer(status, headers, data[first:last + 1], first, query)

    def answer(self, status, headers, body, offset=0, query=None):
        query = query or {}
        self.send_response(status)
        for header in headers:
            self.send_header(*header)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        print("GET %s range=%s if-range=%s status=%d" % (
            self.path, self.headers.get("Range", "-"), self.headers.get("If-Range", "-"),
            status), flush=True)
        sock = self.connection
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if "idle" in query:
            sock.settimeout(float(query["idle"]))
        if "drop" in query:
            body = body[:int(query["drop"])]
        stall = None
        if "stallat" in query:
            stall = max(0, int(query["stallat"]) - offset)
            body = body[:stall]
        chunk = int(query.get("chunk", 64 * 1024))
        delay = int(query.get("delay", 0)) / 1000
        try:
            self.wfile.flush()
            for i in range(0, len(body), chunk):
                if delay and i:
                    time.sleep(delay)
                sock.sendall(body[i:i + chunk])
            if stall is not None:
                sock.settimeout(STALL_SECONDS)
                while sock.recv(4096):
                    pass
            elif "drop" in query and query.get("rst") == "1":
                # SO_LINGER with a zero timeout: close() sends RST instead of FIN.
                time.sleep(0.05)  # let the bytes leave before the reset overtakes them
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass  # the client went away, or stopped reading for longer than idle=S


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64


def main():
    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
