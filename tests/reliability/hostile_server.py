"""A misbehaving HTTP server on 127.0.0.1 (port 0): raw sockets, so it can hang, reset, lie and attack.

It answers the HAL search API with one record whose PDF lives at `/pdf` (or at `pdf_link`: a record
pointing elsewhere), and serves `/pdf` in the fault `mode` the test chose (`redirect:URL` bounces
it); `search_mode` applies a metadata fault to the search answer itself.
Every fault can also be asked for by path, `/fault/<name>?...`, whatever the mode:

    ok                  a small JSON document
    gzip-bomb?mb=N      N MiB of zeros (default 200) sent gzip-compressed (~N KiB on the wire)
    gzip-chain?n=K      the same bomb compressed K times, `Content-Encoding: gzip, gzip, ...`
    infinite            chunked body that never ends
    huge-length         announces 10 GiB, sends a few bytes, then waits
    drip                Content-Length 1 MB, one byte every 50 ms (each read well inside a timeout)
    drip-headers        status line, then one header byte every 50 ms, headers never end
    redirect?to=URL     302 to URL (another port, 169.254.169.254, file://, http from https, ...)
    redirect-loop       302 to itself
    redirect-chain?n=N  N redirects in a row, then `ok`
    secret              what an attacker wants fetched; tests assert it is never requested
    auth                401 asking for Basic credentials (what makes a client send `.netrc` ones)
    status?code=C       an empty answer with status C

`requests` lists every request path; `headers` maps each path to the headers it came with. A
server built with `tls=` speaks HTTPS with that context, so https->http downgrades can be staged.
"""

from __future__ import annotations

import functools
import json
import socket
import ssl
import struct
import threading
import time
import urllib.parse
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from tests.sources.conftest import make_pdf

#: An 8-digit HAL id the extractor recognises; the record carries no DOI, so no other service is asked.
HAL_ID = "hal-04000001"
TITLE = "Senolytic clearance after doxorubicin-induced senescence"
OK_BODY = b'{"ok": true}'
MIB = 1024 * 1024


@functools.cache
def gzip_bomb(mib: int, layers: int = 1) -> bytes:
    """*mib* MiB of zeros gzip-compressed *layers* times (computed once per size: ~1 s for 200 MiB)."""
    data = b""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: gzip framing
    block = b"\0" * MIB
    parts = [packer.compress(block) for _ in range(mib)]
    data = b"".join(parts) + packer.flush()
    for _ in range(layers - 1):
        outer = zlib.compressobj(9, zlib.DEFLATED, 31)
        data = outer.compress(data) + outer.flush()
    return data


class HostileServer:
    def __init__(self, mode: str, *, search_mode: str = "", tls: ssl.SSLContext | None = None,
                 pdf_link: str = "") -> None:
        self.mode = mode
        self.pdf_link = pdf_link
        self.search_mode = search_mode
        self.tls = tls
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        # Set here, not in serve(): a quick test may close the socket before the thread gets to run.
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.stop = threading.Event()
        self.requests: list[str] = []
        self.headers: dict[str, dict[str, str]] = {}
        #: bytes of body sent per request path (what a client made the server send before it hung up)
        self.sent: dict[str, int] = {}
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._handle, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _handle(self, raw: socket.socket) -> None:
        try:
            conn = self.tls.wrap_socket(raw, server_side=True) if self.tls else raw
        except (OSError, ssl.SSLError):
            raw.close()
            return
        with conn:
            data = b""
            try:
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    data += chunk
            except OSError:
                return
            head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
            path = head[0].split(" ", 2)[1]
            self.requests.append(path)
            self.headers[path] = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in head[1:])}
            try:
                if path.startswith("/halapi/search/"):
                    if self.search_mode:
                        self._fault(conn, self.search_mode, {}, path)
                    else:
                        self._send(conn, 200, json.dumps(self._search()).encode(), "application/json")
                elif path == "/pdf":
                    self._pdf(conn)
                elif path.startswith("/fault/"):
                    parsed = urllib.parse.urlsplit(path)
                    query = dict(urllib.parse.parse_qsl(parsed.query))
                    self._fault(conn, parsed.path.removeprefix("/fault/"), query, path)
                else:
                    self._send(conn, 404, b"not here", "text/plain")
            except OSError:  # the client hung up: that is what most faults are for
                return

    def _search(self) -> dict[str, object]:
        doc = {"halId_s": HAL_ID, "docType_s": "ART", "title_s": [TITLE], "authFullName_s": ["Jane Doe"],
               "authLastName_s": ["Doe"], "authFirstName_s": ["Jane"], "producedDate_s": "2023",
               "fileMain_s": self.pdf_link or f"{self.url}/pdf"}
        return {"response": {"numFound": 1, "start": 0, "docs": [doc]}}

    @staticmethod
    def _send(conn: socket.socket, status: int, body: bytes, ctype: str, *, length: int | None = None,
              extra: str = "") -> None:
        head = (f"HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\nContent-Length: "
                f"{len(body) if length is None else length}\r\n{extra}Connection: close\r\n\r\n")
        conn.sendall(head.encode() + body)

    def _stream(self, conn: socket.socket, path: str, body: bytes, block: int = 16 * 1024) -> None:
        """Send *body* in blocks, counting what went out, until done or the client hangs up."""
        for start in range(0, len(body), block):
            if self.stop.is_set():
                return
            conn.sendall(body[start:start + block])
            self.sent[path] = self.sent.get(path, 0) + len(body[start:start + block])

    def _fault(self, conn: socket.socket, name: str, query: dict[str, str], path: str) -> None:
        if name == "ok":
            self._send(conn, 200, OK_BODY, "application/json")
        elif name in ("gzip-bomb", "gzip-chain"):
            layers = int(query.get("n", "2")) if name == "gzip-chain" else 1
            body = gzip_bomb(int(query.get("mb", "200")), layers)
            conn.sendall((f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                          f"Content-Encoding: {', '.join(['gzip'] * layers)}\r\nConnection: close\r\n\r\n").encode())
            self._stream(conn, path, body)
        elif name == "infinite":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                         b"Connection: close\r\n\r\n")
            block = b" " * 65536
            while not self.stop.is_set():
                conn.sendall(b"%x\r\n%s\r\n" % (len(block), block))
                self.sent[path] = self.sent.get(path, 0) + len(block)
        elif name == "huge-length":
            self._send(conn, 200, b'{"data": "', "application/json", length=10 * 1024 ** 3)
            self.stop.wait(30)
        elif name == "drip":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n"
                         b"Connection: close\r\n\r\n")
            while not self.stop.is_set():
                conn.sendall(b" ")
                time.sleep(0.05)
        elif name == "drip-headers":
            conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            while not self.stop.is_set():
                conn.sendall(b"a")
                time.sleep(0.05)
        elif name == "redirect":
            self._send(conn, 302, b"", "text/plain", extra=f"Location: {query.get('to', '/')}\r\n")
        elif name == "redirect-loop":
            self._send(conn, 302, b"", "text/plain", extra=f"Location: {path}\r\n")
        elif name == "redirect-chain":
            left = int(query.get("n", "50"))
            if left <= 0:
                self._send(conn, 200, OK_BODY, "application/json")
            else:
                self._send(conn, 302, b"", "text/plain", extra=f"Location: /fault/redirect-chain?n={left - 1}\r\n")
        elif name == "secret":
            self._send(conn, 200, b'{"secret": "instance credentials"}', "application/json")
        elif name == "auth":
            self._send(conn, 401, b"credentials please", "text/plain", extra='WWW-Authenticate: Basic realm="x"\r\n')
        elif name == "status":
            self._send(conn, int(query.get("code", "500")), b"", "text/plain")
        else:
            self._send(conn, 404, b"no such fault", "text/plain")

    def _pdf(self, conn: socket.socket) -> None:
        pdf = make_pdf()
        if self.mode == "hang":  # accepted, never answered
            self.stop.wait(30)
        elif self.mode == "reset":  # RST instead of an answer
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif self.mode == "html":
            self._send(conn, 200, b"<!DOCTYPE html><html><body><form>Institutional login</form></body></html>",
                       "application/pdf")
        elif self.mode == "truncated":
            self._send(conn, 200, pdf[: len(pdf) // 2], "application/pdf")
        elif self.mode == "short-body":  # promises more than it sends, then closes
            self._send(conn, 200, pdf[:100], "application/pdf", length=len(pdf))
        elif self.mode == "huge":  # announces 2 GB
            self._send(conn, 200, b"%PDF-1.4\n", "application/pdf", length=2 * 1024 ** 3)
            self.stop.wait(30)
        elif self.mode == "endless":  # no length, streams until told to stop
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nConnection: close\r\n\r\n%PDF-1.4\n")
            block = b"0" * 65536
            while not self.stop.is_set():
                try:
                    conn.sendall(block)
                except OSError:
                    return
        elif self.mode == "drip":  # one byte every 50 ms: every read is well inside the read timeout
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nContent-Length: 1000000\r\n"
                         b"Connection: close\r\n\r\n")
            while not self.stop.is_set():
                try:
                    conn.sendall(b"%")
                except OSError:
                    return
                time.sleep(0.05)
        elif self.mode.startswith("redirect:"):  # the record's PDF link bounces to where the mode says
            self._send(conn, 302, b"", "text/plain", extra=f"Location: {self.mode.removeprefix('redirect:')}\r\n")
        else:
            self._send(conn, 200, pdf, "application/pdf")


@contextmanager
def hostile_server(mode: str = "ok", *, search_mode: str = "", tls: ssl.SSLContext | None = None,
                   pdf_link: str = "") -> Iterator[HostileServer]:
    server = HostileServer(mode, search_mode=search_mode, tls=tls, pdf_link=pdf_link)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop.set()
        server.sock.close()
        thread.join(5)
