#!/usr/bin/env python3
"""A fault-injecting JSON-RPC proxy for the bridge's tests (stdlib only, loopback only).

Usage: rpcfault.py --upstream URL --port-file FILE --log FILE [--rate P] [--seed N]
                   [--delay S] [--faults a,b,...] [--methods m1,m2,...] [--port N]

Listens on 127.0.0.1 (a port chosen by the kernel, or --port N; written to --port-file)
and forwards each
POST to --upstream. With probability --rate a request gets one of the faults below instead of
a clean answer; faults marked "after" first forward the request, so the node has acted on it
(e.g. accepted a transaction) but the client never sees the answer:

  http500       HTTP 500 with an HTML body, not forwarded
  http500after  forwarded, then HTTP 500
  drop          connection closed without an answer, not forwarded
  timeout       forwarded, then no answer for --delay seconds, then closed
  truncate      forwarded, the answer cut in half (Content-Length promises all of it)
  malformed     forwarded, the answer replaced by broken JSON
  wrongid       forwarded, the answer's id changed
  batch         forwarded, the answer wrapped in a JSON array

With --methods, only requests for those JSON-RPC methods are faulted.
Each request appends one line "<fault or ok> <method>" to --log.
"""
import argparse
import http.server
import json
import os
import random
import socketserver
import sys
import threading
import time
import urllib.request

ALL_FAULTS = ["http500", "http500after", "drop", "timeout", "truncate", "malformed",
              "wrongid", "batch"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--rate", type=float, default=0.3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--delay", type=float, default=3.0)
    ap.add_argument("--faults", default=",".join(ALL_FAULTS))
    ap.add_argument("--methods", default="")
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    faults = [f for f in args.faults.split(",") if f]
    for f in faults:
        if f not in ALL_FAULTS:
            sys.exit("unknown fault " + f)
    methods = set(m for m in args.methods.split(",") if m)
    rng = random.Random(args.seed)
    lock = threading.Lock()
    logf = open(args.log, "a", buffering=1)

    def choose(method):
        if methods and method not in methods:
            return "ok"
        with lock:
            if rng.random() < args.rate:
                return rng.choice(faults)
            return "ok"

    def forward(body):
        req = urllib.request.Request(args.upstream, data=body,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.read()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def answer(self, status, body, length=None):
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body) if length is None else length))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
            self.close_connection = True

        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(n) if n > 0 else b""
            try:
                method = json.loads(body).get("method", "?")
            except Exception:
                method = "?"
            fault = choose(method)
            with lock:
                logf.write("%s %s\n" % (fault, method))
            if fault == "http500":
                return self.answer(500, b"<html><body>Internal Server Error</body></html>")
            if fault == "drop":
                self.close_connection = True
                return
            try:
                up = forward(body)
            except Exception as e:  # the node itself failed: pass that on as a 502
                return self.answer(502, str(e).encode())
            if fault == "http500after":
                return self.answer(500, b"<html><body>Internal Server Error</body></html>")
            if fault == "timeout":
                time.sleep(args.delay)
                self.close_connection = True
                return
            if fault == "truncate":
                return self.answer(200, up[: len(up) // 2], length=len(up))
            if fault == "malformed":
                return self.answer(200, b'{"jsonrpc":"2.0","id":' + up[:5] + b"}}]")
            if fault == "wrongid":
                try:
                    obj = json.loads(up)
                    obj["id"] = (obj.get("id") or 0) + 1000
                    return self.answer(200, json.dumps(obj).encode())
                except Exception:
                    return self.answer(200, up)
            if fault == "batch":
                return self.answer(200, b"[" + up + b"]")
            return self.answer(200, up)

    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True
        allow_reuse_address = True

    srv = Server(("127.0.0.1", args.port), Handler)
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.replace(args.port_file + ".tmp", args.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
