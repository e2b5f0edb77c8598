"""How a tus chunk's body reaches the file: spliced from gunicorn's socket, or read from the
stream on any other server. gunicorn's own request parser reads a real socket pair here, so a
gunicorn upgrade that changes what the fast path relies on fails these tests."""
import os
import socket
import threading

import pytest
from gunicorn.config import Config as GunicornConfig
from gunicorn.http.parser import RequestParser

from mastery_share.videos.request_body import SplicedBody, StreamedBody, request_body


def _patch(body: bytes, path: str = "/api/v1/uploads/abc") -> bytes:
    return (f"PATCH {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def _send(sock, data: bytes, then_close_for_writing: bool = False) -> threading.Thread:
    """Send from a thread, as a client would: a socket pair holds far less than a chunk."""
    def send():
        sock.sendall(data)
        if then_close_for_writing:
            sock.shutdown(socket.SHUT_WR)
    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    return sender


@pytest.fixture
def socket_pair():
    server_side, client_side = socket.socketpair()
    yield server_side, client_side
    server_side.close()
    client_side.close()


def _parsed(server_side):
    parser = RequestParser(GunicornConfig(), server_side, ("127.0.0.1", 50000))
    request = next(parser)
    environ = {"gunicorn.socket": server_side, "wsgi.input": request.body,
               "CONTENT_LENGTH": str(request.body.reader.length)}
    return parser, request, environ


def _copy(body, tmp_path, limit):
    target = tmp_path / "upload.part"
    fd = os.open(target, os.O_WRONLY | os.O_CREAT)
    try:
        copied = body.copy_to(fd, limit)
    finally:
        os.close(fd)
    return copied, target.read_bytes()


def test_under_gunicorn_the_body_is_spliced_and_the_next_request_still_parses(
        socket_pair, tmp_path):
    server_side, client_side = socket_pair
    data = os.urandom(3 * 1024 * 1024 + 17)
    # The client pipelines a second request right behind the body.
    _send(client_side, _patch(data) + b"HEAD /api/v1/uploads/abc HTTP/1.1\r\nHost: x\r\n\r\n")
    parser, _, environ = _parsed(server_side)

    body = request_body(environ, environ["wsgi.input"], idle_timeout_s=5)
    assert isinstance(body, SplicedBody)
    copied, written = _copy(body, tmp_path, limit=len(data))

    assert copied == len(data) and written == data
    following = next(parser)
    assert (following.method, following.path) == ("HEAD", "/api/v1/uploads/abc")


def test_a_body_cut_short_keeps_what_arrived_and_gunicorn_closes_the_connection(
        socket_pair, tmp_path):
    server_side, client_side = socket_pair
    data = os.urandom(2 * 1024 * 1024)
    request = _patch(data)
    # The client's connection drops half-way through the body.
    _send(client_side, request[: len(request) - len(data) // 2], then_close_for_writing=True)
    parser, _, environ = _parsed(server_side)

    copied, written = _copy(request_body(environ, environ["wsgi.input"], 5), tmp_path,
                            limit=len(data))

    assert copied == len(data) - len(data) // 2 and written == data[:copied]
    assert environ["wsgi.input"].failed  # gunicorn will not look for another request here
    assert parser.finish_body() is False


def test_a_client_that_goes_quiet_is_let_go_after_the_idle_timeout(socket_pair, tmp_path):
    server_side, client_side = socket_pair
    data = os.urandom(512 * 1024)
    request = _patch(data)
    _send(client_side, request[:-1000])  # and then nothing, the connection still open
    _, _, environ = _parsed(server_side)

    copied, written = _copy(request_body(environ, environ["wsgi.input"], idle_timeout_s=0.3),
                            tmp_path, limit=len(data))

    assert copied == len(data) - 1000 and written == data[:copied]
    assert environ["wsgi.input"].failed


def test_a_body_someone_started_reading_takes_the_portable_path(socket_pair, tmp_path):
    server_side, client_side = socket_pair
    data = os.urandom(200_000)
    _send(client_side, _patch(data))
    _, _, environ = _parsed(server_side)
    head = environ["wsgi.input"].read(1000)

    body = request_body(environ, environ["wsgi.input"], 5)
    assert isinstance(body, StreamedBody)
    copied, written = _copy(body, tmp_path, limit=len(data) - 1000)
    assert head + written == data and copied == len(data) - 1000


def test_other_servers_take_the_portable_path(tmp_path):
    import io

    data = os.urandom(3 * 1024 * 1024)
    body = request_body({"wsgi.input": io.BytesIO(data), "CONTENT_LENGTH": str(len(data))},
                        io.BytesIO(data), 5)
    assert isinstance(body, StreamedBody)
    assert _copy(body, tmp_path, limit=len(data)) == (len(data), data)
