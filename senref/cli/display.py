"""Record text made safe for a terminal: data is printed, never obeyed.

A title is data from the internet. Printed raw, an ESC sequence in it can clear the screen, retitle
the window, hide the lines before it or (on some terminals) answer back into the shell's input;
bidi overrides make a line read differently from what it contains. The CLI shows such characters
as visible escapes; the library keeps the text exactly as stored.
"""

from __future__ import annotations

import re

# C0 and C1 controls and DEL, plus the Unicode bidi embeddings, overrides and isolates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Inside JSON text C0 controls are already escaped, and newlines outside strings are layout.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# In multi-line output, newlines and tabs are layout, not attacks.
_UNSAFE_KEEP_LAYOUT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str, *, keep_layout: bool = False) -> str:
    """*text* with every control and bidi-control character written as a visible escape.

    >>> terminal_safe("a\\x1b[2Jb\\u202ec")
    'a\\\\x1b[2Jb\\\\u202ec'
    >>> terminal_safe("line\\nnext", keep_layout=True)
    'line\\nnext'
    """
    pattern = _UNSAFE_KEEP_LAYOUT if keep_layout else _UNSAFE
    return pattern.sub(_escape, text) if pattern.search(text) else text


def json_safe(dumped: str) -> str:
    """JSON text from `json.dumps(..., ensure_ascii=False)` with C1 and bidi controls as \\u escapes.

    json.dumps escapes only U+0000-U+001F; the result still parses to the same data.

    >>> json_safe('"a\\x9bb"')
    '"a\\\\u009bb"'
    """
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)
