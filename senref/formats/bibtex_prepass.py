"""The cheap first pass over a .bib file before entries are read: crossref targets and JabRef's group tree.

Kept apart from the tokenizer (bibtex_parse, which re-exports both functions) so each module stays small.
"""

from __future__ import annotations

import re
from typing import IO

_JABREF_META = re.compile(r"@comment\s*\{\s*jabref-meta:\s*(grouping|groupstree):(.*?)\}\s*$", re.S | re.I | re.M)


def scan_file(handle: IO[str]) -> tuple[set[str], str]:
    """Cheap first pass: keys that other entries crossref, and JabRef's group tree text (usually at the end)."""
    targets: set[str] = set()
    groups: list[str] = []
    collecting = False
    cross = re.compile(r"^\s*crossref\s*=\s*[{\"]?\s*([^}\",\s]+)", re.I)
    for line in handle:
        match = cross.match(line)
        if match:
            targets.add(match.group(1).lower())
        low = line.lower()
        if "jabref-meta:" in low and ("grouping:" in low or "groupstree:" in low):
            collecting = True
            groups.clear()
            continue
        if collecting:
            if line.strip().startswith("}"):
                collecting = False
            else:
                groups.append(line.rstrip("\n"))
    return targets, "\n".join(groups)


def parse_jabref_groups(text: str) -> tuple[dict[str, tuple[str, ...]], dict[str, list[tuple[str, ...]]]]:
    """JabRef group tree -> (group name -> path of names, citation key -> paths for explicit v3 groups)."""
    paths: dict[str, tuple[str, ...]] = {}
    members: dict[str, list[tuple[str, ...]]] = {}
    stack: list[str] = []
    joined = re.sub(r"\\\n", "", text)
    for raw in re.split(r";\s*\n", joined):
        match = re.match(r"\s*(\d+)\s+(\w+):(.*)", raw.strip(), re.S)
        if not match:
            continue
        level = int(match.group(1))
        kind = match.group(2)
        if kind == "AllEntriesGroup" or level == 0:
            stack = []
            continue
        parts = [p.replace("\\\\", "\\") for p in re.split(r"(?<!\\)\\;", match.group(3))]
        name = parts[0].strip()
        del stack[level - 1:]
        stack.append(name)
        path = tuple(stack)
        paths.setdefault(name, path)
        if kind == "ExplicitGroup":
            for raw_key in parts[2:]:
                key = raw_key.strip().rstrip(";")
                if key:
                    members.setdefault(key, []).append(path)
    return paths, members
