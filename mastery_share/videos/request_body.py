"""A tus chunk's request body, copied into the upload's file at the speed of the disk.

Read through gunicorn's `wsgi.input`, every byte of a body is copied several times in Python
(its readers assemble each read in BytesIO buffers), which halves the speed of a large upload on
a fast link. Under gunicorn the body instead moves from the client's socket into the file with
splice(2), inside the kernel. Any other server (werkzeug in development and in most tests), TLS
sockets and a body someone already started to read take the portable path through the stream.
"""
from __future__ import annotations

import fcntl
import os
import select
import socket
from contextlib import suppress
from typing import BinaryIO, Protocol

from werkzeug.exceptions import ClientDisconnected

try:  # gunicorn is a dependency, but the app never needs it to run
    from gunicorn.http.body import Body as GunicornBody
    from gunicorn.http.body import LengthReader as GunicornLengthReader
    from gunicorn.http.unreader import SocketUnreader as GunicornSocketUnreader
except ImportError:  # pragma: no cover - only without gunicorn installed
    GunicornBody = GunicornLengthReader = GunicornSocketUnreader = None

READ_BYTES = 1024 * 1024


class RequestBody(Protocol):
    def copy_to(self, fd: int, limit: int) -> int:
        """Write up to `limit` bytes of the body at `fd`'s position; return how many arrived.
        A client that disconnects or goes quiet ends the copy early; what arrived is written.
        A failing disk raises OSError."""


def request_body(environ: dict, stream: BinaryIO, idle_timeout_s: float) -> RequestBody:
    """The fastest way this server lets us take the body of the current request."""
    sock = environ.get("gunicorn.socket")
    wsgi_input = environ.get("wsgi.input")
    if _untouched_gunicorn_body(sock, wsgi_input, environ.get("CONTENT_LENGTH")):
        return SplicedBody(sock, wsgi_input, idle_timeout_s)
    return StreamedBody(stream)


class StreamedBody:
    """Fixed-size reads from the WSGI stream: memory stays flat whatever the body's size."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream

    def copy_to(self, fd: int, limit: int) -> int:
        copied = 0
        while copied < limit:
            try:
                chunk = self.stream.read(min(READ_BYTES, limit - copied))
            except (OSError, ValueError, ClientDisconnected):
                break  # the client went away
            if not chunk:
                break
            _write_all(fd, chunk)
            copied += len(chunk)
        return copied


class SplicedBody:
    """The body straight from gunicorn's client socket, through a pipe, into the file."""

    def __init__(self, sock: socket.socket, body, idle_timeout_s: float):
        self.sock = sock
        self.body = body
        self.idle_timeout_s = idle_timeout_s

    def copy_to(self, fd: int, limit: int) -> int:
        reader = self.body.reader
        wanted = min(reader.length, limit)
        # Whatever gunicorn read past the headers is the start of the body (and, from a
        # client that pipelines, possibly the next request, which goes back).
        held = reader.unreader.take_buffered()
        if len(held) > wanted:
            reader.unreader.unread(held[wanted:])
            held = held[:wanted]
        copied = 0
        try:
            _write_all(fd, held)
            copied = len(held)
            copied += _splice_socket_to_file(self.sock, fd, wanted - copied,
                                             self.idle_timeout_s)
        finally:
            # gunicorn must not wait for bytes already taken; a body cut short leaves the
            # connection at an unknown place, so gunicorn closes it.
            reader.length -= copied
            if copied < wanted:
                self.body.failed = True
        return copied


def _untouched_gunicorn_body(sock, wsgi_input, content_length: str | None) -> bool:
    if GunicornBody is None or not isinstance(sock, socket.socket) or not content_length:
        return False
    if type(sock) is not socket.socket:
        return False  # an SSLSocket's bytes are encrypted on the wire
    if not isinstance(wsgi_input, GunicornBody) or wsgi_input.buf.tell():
        return False
    reader = wsgi_input.reader
    return (isinstance(reader, GunicornLengthReader)
            and isinstance(reader.unreader, GunicornSocketUnreader)
            and content_length.isdigit() and reader.length == int(content_length)
            and hasattr(reader.unreader, "take_buffered"))


def _splice_socket_to_file(sock: socket.socket, fd: int, count: int,
                           idle_timeout_s: float) -> int:
    if count <= 0:
        return 0
    read_end, write_end = os.pipe2(os.O_CLOEXEC)
    prior_timeout = sock.gettimeout()
    sock.setblocking(False)  # splice(2) honours only the socket's own O_NONBLOCK
    try:
        with suppress(OSError):  # a bigger pipe means fewer system calls; 64 KiB also works
            fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, READ_BYTES)
        poller = select.poll()
        poller.register(sock.fileno(), select.POLLIN)
        copied = 0
        while copied < count:
            try:
                moved = os.splice(sock.fileno(), write_end, count - copied,
                                  flags=os.SPLICE_F_MOVE)
            except BlockingIOError:
                if not poller.poll(idle_timeout_s * 1000):
                    break  # the client has gone quiet
                continue
            except ConnectionError:
                break
            if moved == 0:
                break  # the client closed the connection
            _drain_pipe(read_end, fd, moved)
            copied += moved
        return copied
    finally:
        sock.settimeout(prior_timeout)
        os.close(read_end)
        os.close(write_end)


def _drain_pipe(read_end: int, fd: int, count: int) -> None:
    while count > 0:
        moved = os.splice(read_end, fd, count, flags=os.SPLICE_F_MOVE)
        if moved == 0:  # cannot happen with bytes in the pipe; never spin on it
            raise OSError("the upload pipe emptied early")
        count -= moved


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
