#!/usr/bin/env python3
"""upload-stub.py PORT STORE MODE [ARG] -- a receiving server for fault
injection in the iotrc-upload tests (the real servers are nginx and s3rver).
It speaks both presign protocols like tests/helpers/upload-lib.sh's nginx:
POST /<key> and GET /presigned-url/<key> answer http://127.0.0.1:PORT/dav/<key>,
PUT /dav/<key> stores the body in STORE/<key> (temporary name, then rename).
MODE:
  fail N      the first N requests answer 500, then it works
  status C    every request answers status C with an S3-style error body
  hang        accept connections and never answer
  ok          just work
"""
import os, socket, sys, threading, time, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, store, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
arg = sys.argv[4] if len(sys.argv) > 4 else ""
lock = threading.Lock()
count = [0]

if mode == "hang":
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(64)
    held = []
    while True:
        c, _ = s.accept()
        held.append(c)       # never read, never answer

class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        pass
    def answer(self, code, body):
        b = body.encode()
        self.send_response(code)
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)
    def gate(self):
        with lock:
            count[0] += 1
            n = count[0]
        if mode == "fail" and n <= int(arg):
            self.drain()
            self.answer(500, "injected failure %d\n" % n)
            return False
        if mode == "status":
            self.drain()
            self.answer(int(arg), "<Error><Code>AccessDenied</Code><Message>stub says no</Message></Error>")
            return False
        return True
    def drain(self):
        n = int(self.headers.get("Content-Length") or 0)
        while n > 0:
            b = self.rfile.read(min(n, 1 << 20))
            if not b:
                break
            n -= len(b)
    def presign(self, key):
        self.drain()
        if self.gate():
            self.answer(200, "http://127.0.0.1:%d/dav/%s?X-Sig=1\n" % (port, key))
    def do_POST(self):
        self.presign(self.path.split("?")[0].lstrip("/"))
    def do_GET(self):
        p = self.path.split("?")[0]
        if not p.startswith("/presigned-url/"):
            self.drain()
            return self.answer(404, "no such thing")
        self.presign(p[len("/presigned-url/"):])
    def do_PUT(self):
        if self.headers.get("Expect", "").lower() == "100-continue":
            pass  # BaseHTTPRequestHandler answers 100 itself
        if not self.gate():
            return
        p = urllib.parse.unquote(self.path.split("?")[0])
        if not p.startswith("/dav/") or ".." in p.split("/"):
            self.drain()
            return self.answer(400, "bad path")
        dest = os.path.join(store, p[len("/dav/"):])
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        n = int(self.headers.get("Content-Length") or 0)
        tmp = dest + ".stub-tmp"
        with open(tmp, "wb") as f:
            while n > 0:
                b = self.rfile.read(min(n, 1 << 20))
                if not b:
                    return
                f.write(b)
                n -= len(b)
        os.rename(tmp, dest)
        self.answer(201, "")

ThreadingHTTPServer.allow_reuse_address = True
ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
