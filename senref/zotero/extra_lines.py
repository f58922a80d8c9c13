"""senref-only data carried in Zotero's Extra field as `senref.<name>: <json>` lines.

Zotero has no column for senref's provenance, topic evidence, tag sources, rejected topics or file
hashes, and a Zotero client keeps Extra verbatim, so each rides in one line of Extra: the name after
`senref.` is the `Item.extras` key (or `provenance` / `files`), the value compact JSON on one line
(JSON escapes newlines, so a value never spills onto a second line). The lines are written after the
user's own text, sorted by name, and removed again on reading, so repeated round trips never grow
Extra and the user's own lines are never touched.

>>> text = join_extra("Read in 2022", {"provenance": {"title": "hal"}})
>>> text
'Read in 2022\\nsenref.provenance: {"title":"hal"}'
>>> split_extra(text)
('Read in 2022', {'provenance': {'title': 'hal'}})
>>> split_extra(join_extra(*split_extra(text))) == split_extra(text)
True
"""

from __future__ import annotations

import json
import re
from typing import Any

#: Label prefix of senref's lines; chosen so no Zotero field label or CSL variable can match it.
PREFIX = "senref."
_LINE = re.compile(r"^senref\.([A-Za-z][A-Za-z0-9_]*):\s?(.*)$")


def split_extra(text: str) -> tuple[str, dict[str, Any]]:
    """(the user's Extra text, senref's data); a `senref.` line that is not valid JSON stays user text."""
    kept: list[str] = []
    data: dict[str, Any] = {}
    for line in text.splitlines():
        match = _LINE.match(line)
        if match:
            try:
                data[match.group(1)] = json.loads(match.group(2))
                continue
            except ValueError:
                pass
        kept.append(line)
    return "\n".join(kept).strip("\n"), data


def join_extra(text: str, data: dict[str, Any]) -> str:
    """*text* followed by one line per non-empty entry of *data*."""
    lines = [f"{PREFIX}{name}: {json.dumps(value, ensure_ascii=False, separators=(',', ':'), sort_keys=True)}"
             for name, value in sorted(data.items()) if value not in (None, "", [], {})]
    return "\n".join(filter(None, [text, *lines]))
