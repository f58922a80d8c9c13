"""A misbehaving HTTP server on 127.0.0.1 (port 0): raw sockets, so it can hang, reset and lie.

It answers the HAL search API with one record whose PDF lives at `/pdf`, and serves `/pdf` in the
fault `mode` the test chose. Everything else gets a 404.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from tests.sources.conftest import make_pdf

#: An 8-digit HAL id the extractor recognises; the record carries no DOI, so no other service is asked.
HAL_ID = "hal-04000001"
TITLE = "Senolytic clearance after doxorubicin-induced senescence"


class HostileServer:
    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.stop = threading.Event()
        self.requests: list[str] = []
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def serve(self) -> None:
        self.sock.settimeout(0.1)
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

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
            path = data.split(b" ", 2)[1].decode()
            self.requests.append(path)
            if path.startswith("/halapi/search/"):
                self._send(conn, 200, json.dumps(self._search()).encode(), "application/json")
            elif path == "/pdf":
                self._pdf(conn)
            else:
                self._send(conn, 404, b"not here", "text/plain")

    def _search(self) -> dict[str, object]:
        doc = {"halId_s": HAL_ID, "docType_s": "ART", "title_s": [TITLE], "authFullName_s": ["Jane Doe"],
               "authLastName_s": ["Doe"], "authFirstName_s": ["Jane"], "producedDate_s": "2023",
               "fileMain_s": f"{self.url}/pdf"}
        return {"response": {"numFound": 1, "start": 0, "docs": [doc]}}

    @staticmethod
    def _send(conn: socket.socket, status: int, body: bytes, ctype: str, length: int | None = None) -> None:
        head = (f"HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\nContent-Length: "
                f"{len(body) if length is None else length}\r\nConnection: close\r\n\r\n")
        conn.sendall(head.encode() + body)

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
        else:
            self._send(conn, 200, pdf, "application/pdf")


@contextmanager
def hostile_server(mode: str) -> Iterator[HostileServer]:
    server = HostileServer(mode)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop.set()
        server.sock.close()
        thread.join(5)
