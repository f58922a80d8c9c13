"""The format plugin contract: what a reader yields, what a writer receives, and the Format base class."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from senref.core.atomic import atomic_write
from senref.core.model import Attachment, Item
from senref.core.records import ImportProblem, ImportRecord

# The record types live in the core (the library imports them); plugins keep importing them from here.
__all__ = ["CitationKeyStore", "ExportContext", "Format", "ImportProblem", "ImportRecord", "apply_extra",
           "attachment_file", "extra_with_identifiers", "file_attachment", "guess_type", "resolve_import_path"]


class CitationKeyStore(Protocol):
    """Where citation keys assigned during an export are kept, so the next export reuses them."""

    def taken(self) -> set[str]:
        """Citation keys already pinned on items of the library (exported or not)."""
        ...

    def persist(self, assigned: dict[str, str]) -> None:
        """Store newly assigned keys: item key -> citation key."""
        ...


@dataclass
class ExportContext:
    """What a writer needs besides the items.

    `collections` maps collection key -> (name, parent key); `library_dir` resolves stored files;
    `options` carries per-format settings (`citekey_pattern`, `bibtex_unicode`).

    With `with_files`, attachments are referenced as `files/<attachment key>/<name>` relative to the
    export: the writer copies them into `export_dir` (set by `write()` to the file's folder), unless
    `files_placed` says the caller has already put every stored file there itself (sync copies
    them beside its targets; a copy into a scratch folder would only be thrown away).
    """

    library_dir: Path
    collections: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    with_files: bool = False
    progress: Callable[[int], None] | None = None
    citation_keys: CitationKeyStore | None = None
    options: dict[str, str] = field(default_factory=dict)
    #: the folder the export is written to (relative attachment paths start there)
    export_dir: Path | None = None
    #: with `with_files`: stored files already sit at `files/<attachment key>/<name>`; reference, never copy
    files_placed: bool = False

    def collection_path(self, key: str) -> tuple[str, ...]:
        """Names from the root down to collection *key* (empty if unknown; cycles cut)."""
        names: list[str] = []
        seen: set[str] = set()
        current: str | None = key
        while current and current in self.collections and current not in seen:
            seen.add(current)
            name, current = self.collections[current]
            names.append(name)
        return tuple(reversed(names))

    def report(self, count: int) -> None:
        # Progress every 500 items keeps callbacks cheap on 100k exports.
        if self.progress is not None and count % 500 == 0:
            self.progress(count)


class Format:
    """A file format: reads into ImportRecords (streaming), writes items atomically.

    A format whose file is a sequence of independent entries may also render them one by one
    (`per_entry`): the file is then exactly `header(ctx)`, the entries with `separator` between
    them, and `footer(ctx)`. Each entry's text carries the whitespace that follows it in the file, so
    `write()` built on these pieces and a file assembled from cached entries are byte-identical;
    sync relies on that to re-render only the items that changed.
    """

    name: str = ""
    label: str = ""
    #: lower-case extensions with the dot, preferred first (".bib")
    extensions: tuple[str, ...] = ()
    can_read: bool = True
    can_write: bool = True
    #: True when `render_entries`, `header`, `separator` and `footer` describe the whole file
    per_entry: bool = False
    #: text between two entries
    separator: str = ""
    #: newline translation of the written file (None: the platform's; "" or "\n": written as rendered)
    newline: str | None = None

    def sniff(self, head: str) -> bool:
        """True when the first few kilobytes of a file look like this format."""
        return False

    def read(self, path: Path) -> Iterator[ImportRecord | ImportProblem]:
        raise NotImplementedError(f"{self.name} cannot be read")

    def write(self, items: Iterable[Item], path: Path, ctx: ExportContext) -> int:
        if not self.per_entry:
            raise NotImplementedError(f"{self.name} cannot be written")
        return self.write_entries(items, path, ctx)

    def header(self, ctx: ExportContext) -> str:
        """Text before the first entry."""
        return ""

    def footer(self, ctx: ExportContext) -> str:
        """Text after the last entry."""
        return ""

    def render_entries(self, items: Iterable[Item], ctx: ExportContext) -> Iterator[tuple[str, str]]:
        """(item key, entry text) for each item, in order; an item the format cannot carry is left out.

        Lazy: entries come as the items are consumed, so 100,000 items never sit in memory at once.
        Citation keys assigned on the way are handed to `ctx.citation_keys` once the iterator is exhausted.
        """
        raise NotImplementedError(f"{self.name} cannot render entries one by one")

    def write_entries(self, items: Iterable[Item], path: Path, ctx: ExportContext) -> int:
        """The whole file from `header`, the rendered entries and `footer`, written atomically."""
        ctx = replace(ctx, export_dir=path.parent)
        count = 0
        with atomic_write(path, newline=self.newline) as out:
            out.write(self.header(ctx))
            for _key, text in self.render_entries(items, ctx):
                if count:
                    out.write(self.separator)
                out.write(text)
                count += 1
                ctx.report(count)
            out.write(self.footer(ctx))
        return count


def attachment_file(att: Attachment, library_dir: Path) -> Path | None:
    """The local file behind an attachment, if it has one that exists and stays inside the library."""
    from senref.core.confine import allowed_file, resolved

    if att.link_mode == "linked_url" or not att.path:
        return None
    if att.link_mode == "linked_file":
        target = resolved(Path(att.path))
        return target if target is not None and target.is_file() else None
    found, _why = allowed_file(library_dir / att.path, [library_dir])
    return found


_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]+:")


def resolve_import_path(raw: str, base_dir: Path) -> Path | None:
    """Resolve a file path found in an imported file as Zotero does (absolute, file: URI, relative).

    The path is returned as written (made absolute against *base_dir*), never looked at outside
    that folder: the library decides at import whether it may be read (`senref.core.confine`) and
    names every path it skips, a missing file included.
    """
    from urllib.parse import unquote, urlparse

    raw = raw.strip()
    if not raw:
        return None
    # Absolute now: a relative folder (`senref import in/refs.bib`) would be joined again later.
    base_dir = Path(os.path.abspath(base_dir))  # noqa: PTH100 - names as given, links resolved by the library
    if "\x00" in raw:
        return Path(raw)  # refused and named by the library, never opened
    if raw.lower().startswith("file:"):
        candidate = Path(unquote(urlparse(raw).path))
    elif _SCHEME.match(raw) and not re.match(r"^[a-zA-Z]:[\\/]", raw):
        return None  # http(s) and other schemes are links, not files
    else:
        text = raw.replace("\\", "/")
        candidate = Path(text) if text.startswith("/") else base_dir / text
        # Some writers percent-encode relative names; the decoded name is tried when the plain one
        # is missing (both looked at only inside the folder; a decoded `../` is judged as outside).
        if "%" in text and not text.startswith("/") and _lexically_within(candidate, base_dir) \
                and not candidate.exists():
            candidate = base_dir / unquote(text)
    return Path(os.path.normpath(candidate))


def _lexically_within(path: Path, base_dir: Path) -> bool:
    """Inside *base_dir* by the names alone (no file system access): `a/../../b` is outside."""
    # abspath, not resolve: the names are judged as written; links are resolved later, by the library.
    base = os.path.normpath(os.path.abspath(base_dir))  # noqa: PTH100
    target = os.path.normpath(os.path.abspath(path))  # noqa: PTH100
    return target.startswith(base.rstrip(os.sep) + os.sep)


def file_attachment(raw: str, base_dir: Path, *, title: str = "", content_type: str = "") -> Attachment | None:
    """An attachment for a path or URL from an imported file: linked file if it exists, link if a URL."""
    raw = raw.strip()
    if not raw:
        return None
    if re.match(r"^https?://", raw, re.I):
        return Attachment(title=title or raw.rsplit("/", 1)[-1] or raw, link_mode="linked_url", url=raw,
                          content_type=content_type)
    found = resolve_import_path(raw, base_dir)
    if found is None:
        return None
    return Attachment(title=title or found.name, link_mode="linked_file", path=str(found),
                      content_type=content_type or guess_type(found.name))


def guess_type(name: str) -> str:
    lower = name.lower()
    for ext, mime in ((".pdf", "application/pdf"), (".html", "text/html"), (".htm", "text/html"),
                      (".epub", "application/epub+zip"), (".txt", "text/plain"), (".png", "image/png"),
                      (".jpg", "image/jpeg"), (".docx", ("application/vnd.openxmlformats-officedocument."
                                                          "wordprocessingml.document"))):
        if lower.endswith(ext):
            return mime
    return ""


def apply_extra(item: Item, text: str) -> None:
    """Append *text* to Extra, taking `PMID: 123`-style identifier lines into `item.identifiers`."""
    from senref.core.schema import EXTRA_LABELS

    labels = {label.lower(): scheme for scheme, label in EXTRA_LABELS.items()}
    kept: list[str] = []
    for line in text.splitlines():
        label, sep, rest = line.partition(":")
        scheme = labels.get(label.strip().lower())
        if sep and scheme and item.set_identifier(scheme, rest.strip()):
            continue
        kept.append(line)
    body = "\n".join(kept).strip("\n")
    if body:
        old = item.fields.get("extra", "")
        item.fields["extra"] = f"{old}\n{body}" if old else body


def extra_with_identifiers(item: Item, fields_with_ids: tuple[str, ...] = ()) -> str:
    """Extra plus `Label: value` lines for identifiers the target format has no field for."""
    from senref.core.schema import EXTRA_LABELS

    lines = [item.fields.get("extra", "")] if item.fields.get("extra") else []
    for scheme, value in item.identifiers.items():
        if scheme in fields_with_ids or not value:
            continue
        shown = f"{value}v{item.hal_version}" if scheme == "hal" and item.hal_version else value
        line = f"{EXTRA_LABELS.get(scheme, scheme)}: {shown}"
        if line not in lines[0:1] or not lines:
            lines.append(line)
    return "\n".join(lines)
