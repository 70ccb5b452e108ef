"""The Lambda Runtime API on loopback, as AWS documents it for custom runtimes
(https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html, version 2018-06-01): the
watching function, started as `bootstrap` with AWS_LAMBDA_RUNTIME_API pointing here, is handed
the events the test queues, one invocation at a time, as Lambda hands them.

Runtime side (what the function calls):
  GET  /2018-06-01/runtime/invocation/next          blocks until an event is queued; the body is
       the event, the headers Lambda-Runtime-Aws-Request-Id, -Deadline-Ms, -Invoked-Function-Arn
       and -Trace-Id
  POST /2018-06-01/runtime/invocation/{id}/response 202; 400 InvalidRequestID for an ID not
       handed out or already answered; 413 over the 6 MB a synchronous response may have
  POST /2018-06-01/runtime/invocation/{id}/error    202 (Lambda-Runtime-Function-Error-Type kept)
  POST /2018-06-01/runtime/init/error               202
Test side:
  POST /test/invoke   queues the body as an event, blocks until the function answers it (or 120 s),
                      and returns {"kind": "response"|"error", "body": …, "request_id": …};
                      the header X-Invoked-Function-Arn, when given, is the ARN the function is
                      told it was invoked as (the local AWS's Invoke gives the function's own)

Usage: runtime_api.py [FUNCTION_ARN]: the ARN of the function deployed and served here, which
it is told it was invoked as when the test gives none (Lambda tells a function its own ARN).
Prints the port on stdout once listening; runs until killed.
"""

import json
import queue
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PREFIX = "/2018-06-01/runtime"
MAX_RESPONSE = 6 * 1024 * 1024
# The deployed function's ARN, when given; else a stand-in the tests replace per invocation.
FUNCTION_ARN = (sys.argv[1] if len(sys.argv) > 1
                else "arn:aws:lambda:us-east-1:123456789012:function:lambda-trust-watch")
TIMEOUT_MS = 900_000

events = queue.Queue()
pending = {}  # request ID -> (event, answer queue)
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *_):
        pass

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def send(self, status, doc, headers=()):
        data = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path != f"{PREFIX}/invocation/next":
            return self.send(404, {"errorType": "NotFound", "errorMessage": self.path})
        request_id, event, arn = events.get()
        deadline = int(time.time() * 1000) + TIMEOUT_MS
        self.send(200, event, [
            ("Lambda-Runtime-Aws-Request-Id", request_id),
            ("Lambda-Runtime-Deadline-Ms", str(deadline)),
            ("Lambda-Runtime-Invoked-Function-Arn", arn),
            ("Lambda-Runtime-Trace-Id", f"Root=1-{uuid.uuid4().hex[:8]}-{uuid.uuid4().hex[:24]}"),
        ])

    def do_POST(self):
        body = self.body()
        if self.path == "/test/invoke":
            return self.invoke(body)
        if self.path == f"{PREFIX}/init/error":
            sys.stderr.write(f"init error: {body[:2000]!r}\n")
            return self.send(202, {"status": "OK"})
        parts = self.path[len(PREFIX):].strip("/").split("/")
        if len(parts) != 3 or parts[0] != "invocation" or parts[2] not in ("response", "error"):
            return self.send(404, {"errorType": "NotFound", "errorMessage": self.path})
        request_id, kind = parts[1], parts[2]
        if kind == "response" and len(body) > MAX_RESPONSE:
            return self.send(413, {"errorType": "RequestEntityTooLarge",
                                   "errorMessage": f"{len(body)} bytes > {MAX_RESPONSE}"})
        with lock:
            waiting = pending.pop(request_id, None)
        if waiting is None:
            return self.send(400, {"errorType": "InvalidRequestID",
                                   "errorMessage": f"no invocation {request_id} is waiting"})
        try:
            doc = json.loads(body or b"null")
        except ValueError:
            doc = body.decode("utf-8", "replace")
        answer = {"kind": kind, "body": doc, "request_id": request_id}
        if kind == "error":
            answer["error_type"] = self.headers.get("Lambda-Runtime-Function-Error-Type")
        waiting.put(answer)
        self.send(202, {"status": "OK"})

    def invoke(self, body):
        request_id = str(uuid.uuid4())
        answer = queue.Queue()
        with lock:
            pending[request_id] = answer
        arn = self.headers.get("X-Invoked-Function-Arn") or FUNCTION_ARN
        events.put((request_id, body, arn))
        try:
            self.send(200, answer.get(timeout=120))
        except queue.Empty:
            self.send(504, {"kind": "timeout", "request_id": request_id})


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
