"""A fork server for the tests' local AWS: moto imported and patched once, each server a fork.

Starting `moto_aws.py` costs about 1.5 s of processor time (Python importing moto, boto and
their models, then the patches), paid again by each of the several hundred tests that start a
server of their own. This process pays it once: it imports `moto_aws` (patching moto), warms the
services the tests use, then listens on a Unix socket. A test (tests/it/support/moto.rs) sends
one JSON line, `{"argv": [...], "log": PATH}`; the server forks, and the child — a fresh moto
with nothing served yet, exactly what `moto_aws.py ARGV` would be — writes its log to PATH and
serves as `moto_server ARGV` does. The answer is `{"pid": N}`.

Given `{"python": ARGV, "stdout": PATH, "stderr": PATH}` instead, the child runs `python ARGV`
(a boto3 snippet seeding or reading the local AWS, or a script) with what this process has
imported, and answers `{"exit": N}` when it is done: half a second of importing boto3 saved
each time.

The child lives as long as the test's connection: when the test drops its server, or dies, the
connection closes and the child exits. This process exits after IDLE_SECONDS without a request;
the next test starts another.

    python moto_aws.py --fork-server SOCKET
"""

import gc
import json
import os
import random
import signal
import socket
import sys
import threading

IDLE_SECONDS = 300

# The services the tests call: their backends and Flask apps are built once, here, instead of
# on each server's first request (moto builds them lazily).
WARM = (
    "iam", "sts", "lambda", "organizations", "cloudformation", "events", "securityhub",
    "config", "cloudtrail", "sns", "logs", "s3", "ssm", "kms", "secretsmanager",
)


def warm():
    """Build the apps moto's dispatcher would build on first use, and let it reuse them."""
    from moto import server
    from moto.moto_server import werkzeug_app

    built = {name: werkzeug_app.create_backend_app(name) for name in WARM}

    def create_backend_app(service):
        return built.get(service) or werkzeug_app.create_backend_app(service)

    server.create_backend_app = create_backend_app


def serve(path):
    warm()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped as they exit
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    temporary = f"{path}.{os.getpid()}"
    listener.bind(temporary)
    listener.listen(64)
    os.rename(temporary, path)  # clients see the socket only once it listens
    listener.settimeout(IDLE_SECONDS)
    gc.freeze()  # the children's collector leaves the shared pages shared
    while True:
        try:
            conn, _ = listener.accept()
        except socket.timeout:
            break
        conn.settimeout(None)
        request = json.loads(conn.makefile("r").readline())
        pid = os.fork()
        if pid == 0:
            listener.close()
            if "python" in request:
                run_python(conn, request)
            child(conn, request)
        if "python" not in request:  # a script's child answers itself, when it is done
            conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")
        conn.close()
    try:
        if os.stat(path).st_ino == os.fstat(listener.fileno()).st_ino:
            os.unlink(path)
    except OSError:
        pass


def child(conn, request):
    """The forked server: its own log, its own randomness, gone with the test's connection."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    os.setsid()
    log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    sys.argv[1:] = request["argv"]  # as started with them (moto_aws.served_at reads them)
    random.seed()
    from moto.moto_api._internal import mock_random

    mock_random.seed()

    def watch():
        try:
            while conn.recv(1):
                pass
        finally:
            os._exit(0)

    threading.Thread(target=watch, daemon=True).start()
    from moto.server import main

    try:
        main(sys.argv[1:])
    finally:
        sys.stdout.flush()
        os._exit(1)


def run_python(conn, request):
    """`python ARGV` (`-c CODE ARGS…` or `SCRIPT ARGS…`) in a fork, boto3 already imported: its
    output in the files the test gave, its exit status the answer."""
    os.setsid()
    for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
        out = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(out, fd)
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    random.seed()
    argv = request["python"]
    code = 0
    try:
        if argv[0] == "-c":
            sys.argv = ["-c", *argv[2:]]
            exec(compile(argv[1], "<string>", "exec"), {"__name__": "__main__"})
        else:
            import runpy

            sys.argv = list(argv)
            sys.path.insert(0, os.path.dirname(os.path.abspath(argv[0])))
            runpy.run_path(argv[0], run_name="__main__")
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if not isinstance(e.code, (int, type(None))):
            print(e.code, file=sys.stderr)
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    conn.sendall(json.dumps({"exit": code}).encode() + b"\n")
    os._exit(0)
