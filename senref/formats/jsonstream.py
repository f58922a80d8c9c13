"""Read the objects of a top-level JSON array one at a time (flat memory on 100k-item files)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

CHUNK = 1 << 16


#: Python refuses to turn longer digit strings into an int (CVE-2020-10735); such a number is kept as its digits.
_MAX_DIGITS = 4000


class _NotJson(ValueError):
    """What Python's decoder accepts but JSON does not (NaN, Infinity)."""


def _integer(digits: str) -> int | str:
    return int(digits) if len(digits) <= _MAX_DIGITS else digits


def _no_constant(name: str) -> Any:
    raise _NotJson(f"{name} is not a JSON value")


class JsonStreamError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def iter_array(handle: IO[str]) -> Iterator[tuple[int, Any]]:
    """Yield (line, value) for each element of the array in *handle*; a single object is yielded alone.

    Raises JsonStreamError (with the line number) at the first syntax error.
    """
    decoder = json.JSONDecoder(parse_int=_integer, parse_constant=_no_constant)
    buf = handle.read(CHUNK).lstrip("\ufeff")
    line = 1
    pos = 0

    def skip_ws() -> None:
        nonlocal buf, pos, line
        while True:
            while pos < len(buf) and buf[pos] in " \t\r\n":
                if buf[pos] == "\n":
                    line += 1
                pos += 1
            if pos < len(buf):
                return
            more = handle.read(CHUNK)
            if not more:
                return
            buf, pos = more, 0

    def decode() -> Any:
        nonlocal buf, pos, line
        while True:
            try:
                value, end = decoder.raw_decode(buf, pos)
            except RecursionError:
                raise JsonStreamError(line, "values nested too deeply to read") from None
            except _NotJson as exc:
                raise JsonStreamError(line, str(exc)) from None
            except json.JSONDecodeError as exc:
                more = handle.read(CHUNK)
                if not more:
                    raise JsonStreamError(line + buf.count("\n", pos, exc.pos), exc.msg) from None
                buf = buf[pos:] + more
                pos = 0
                continue
            # A number cut at the chunk edge decodes "successfully"; make sure it really ended.
            if end == len(buf) and not isinstance(value, dict | list):
                more = handle.read(CHUNK)
                if more:
                    buf = buf[pos:] + more
                    pos = 0
                    continue
            line += buf.count("\n", pos, end)
            pos = end
            return value

    skip_ws()
    if pos >= len(buf):
        raise JsonStreamError(1, "the file is empty")
    if buf[pos] != "[":
        yield line, decode()
        skip_ws()
        if pos < len(buf):
            raise JsonStreamError(line, "unexpected data after the JSON value")
        return
    pos += 1
    skip_ws()
    if pos < len(buf) and buf[pos] == "]":
        return
    while True:
        skip_ws()
        start = line
        yield start, decode()
        # Drop what is consumed so the buffer never grows beyond one element plus a chunk.
        buf, pos = buf[pos:], 0
        skip_ws()
        if pos >= len(buf):
            raise JsonStreamError(line, "the array is not closed (truncated file?)")
        if buf[pos] == ",":
            pos += 1
            continue
        if buf[pos] == "]":
            return
        raise JsonStreamError(line, f"expected ',' or ']' but found {buf[pos]!r}")
