"""Writing a target: reuse the entries of unchanged items, render only what changed, write atomically.

The previous write (manifest + its bytes) is kept in memory by a long-running process and read
from `sync/<id>.written` by a fresh one; either way an edit to one item of 100,000 costs one
rendered entry, a byte join and one write. Attachments are placed by sync itself (hard links into
`files/`), so the writers only reference them and never copy into a scratch folder.

Entries keep the order they have in the file (the user may have sorted or moved them); items new
to the target follow, in library order. The user's text between entries goes back in front of the
entry it preceded.
"""

from __future__ import annotations

import errno
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import compress
from operator import itemgetter, ne
from pathlib import Path
from typing import TYPE_CHECKING, Any

from senref.core.atomic import atomic_write
from senref.core.citekeys import LibraryCitationKeys
from senref.core.model import now_iso
from senref.sync import files as filemirror
from senref.sync.content import Content
from senref.sync.entries import EntryCodec, Layout, codec_for
from senref.sync.manifest import Entries, Entry, Kept, Manifest, columns_of, entry_hash
from senref.sync.splice import Spliced, splice
from senref.sync.targets import Target

if TYPE_CHECKING:
    from senref.core.library import Library

#: Items rendered per call of the format's `render_entries`.
RENDER_BATCH = 2000


class SyncFailure(Exception):
    """A target could not be brought up to date; the message is the reason shown to the user."""


class SyncStopped(SyncFailure):
    """The caller asked to stop (shutdown) before anything was written: not a failure of the target."""


def describe_os_error(exc: OSError, path: Path) -> str:
    """A plain reason for the panel and the CLI ("disk full", "read-only"...)."""
    reasons = {errno.ENOSPC: "disk full", errno.EDQUOT: "disk quota exceeded", errno.EROFS: "read-only file system",
               errno.EACCES: "permission denied", errno.EPERM: "permission denied",
               errno.ENOENT: "folder missing", errno.EFBIG: "file too large (disk full or size limit)"}
    reason = reasons.get(exc.errno or 0, exc.strerror or str(exc))
    return f"{reason}: {exc.filename or path}"


def signature(target: Target) -> str:
    """What the entries depend on besides the items: change it and every entry is rendered again."""
    s = target.scope
    # v2: entries come from Format.render_entries, framed exactly as Format.write frames them.
    return f"v2|{target.format}|{s.kind}|{s.value}|{int(s.recursive)}|{int(target.with_files)}"


def scope_rows(lib: Library, target: Target) -> list[tuple[str, int]]:
    """(item key, version) of every item in the target's scope, in the order of the file."""
    return lib.key_versions(target.scope.query())


@dataclass
class WriteResult:
    written: bool = False
    count: int = 0
    rendered: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0


class Exporter:
    """Builds and writes one target's file from the library."""

    def __init__(self, lib: Library, fmt: Any, *, options: dict[str, str] | None = None) -> None:
        self.lib = lib
        self.fmt = fmt
        self.options = dict(options or {})
        from senref.formats.base import ExportContext

        self.codec: EntryCodec = codec_for(fmt, ExportContext(library_dir=lib.folder, options=dict(self.options)))

    def context(self, target: Target, keys: LibraryCitationKeys) -> Any:
        from senref.formats.base import ExportContext

        # files_placed: `write` copies each stored file to files/<attachment key>/<name> itself.
        return ExportContext(library_dir=self.lib.folder,
                             collections={c.key: (c.name, c.parent_key) for c in self.lib.list_collections()},
                             with_files=target.with_files, files_placed=target.with_files, citation_keys=keys,
                             options=dict(self.options), export_dir=target.file.parent)

    def render_items(self, target: Target, items: list[Any]) -> list[bytes | None]:
        """Entries for *items* as they would be written now (for the merge's library side)."""
        keys = LibraryCitationKeys(self.lib)
        got, _ = self.codec.render(items, self.context(target, keys))
        by_key = {r.key: r.text for r in got}
        return [by_key.get(i.key) for i in items]

    def build(self, target: Target, previous: Manifest | None, previous_bytes: Content | None,
              should_stop: Callable[[], bool] | None = None, layout: Layout | None = None, *,
              rows: list[tuple[str, int]] | None = None) -> tuple[Manifest, Content, WriteResult]:
        """The new file content and its manifest (nothing is written yet).

        *layout* is the user's text and entry order as just read from the file; without it, those
        of the previous write are kept. *rows* are the scope's (key, version) pairs if just read.
        """
        result = WriteResult()
        if rows is None:
            rows = scope_rows(self.lib, target)
        keys = LibraryCitationKeys(self.lib)
        ctx = self.context(target, keys)
        manifest = Manifest(target_id=target.id, signature=signature(target))
        if not self.codec.incremental:
            items = list(self.lib.iter_items(query=target.scope.query()))
            data = self.codec.write_all(items, ctx)
            manifest.entries = [Entry(i.key, i.version, "", 0, 0, "") for i in items]
            result.rendered = result.count = len(items)
            return manifest, Content(data), result

        same = previous is not None and previous_bytes is not None and previous.signature == manifest.signature
        written = previous.versions() if same and previous is not None else {}
        # Whole columns at C speed: at 100,000 items a Python loop per row is most of a one-edit write.
        row_keys = list(map(itemgetter(0), rows))
        as_written = list(map(written.get, row_keys))
        changed = dict(compress(rows, map(ne, as_written, map(itemgetter(1), rows))))  # key -> version, in row order
        todo = list(changed)
        # The same items as last time in the file senref wrote: changed entries are spliced into its bytes.
        same_items = previous is not None and layout is None and bool(written) \
            and (self.codec.keeps_text or not previous.kept) \
            and len(rows) == len(written) == len(previous.entries) and None not in as_written
        texts, citekeys = self._render(todo, ctx, should_stop, result)
        pinned = keys.pinned_versions
        fresh = set(todo)
        if same_items and previous is not None and previous_bytes is not None and fresh <= texts.keys():
            spliced = splice(previous, previous_bytes, texts)
            if spliced is not None:
                changed.update({k: v for k, v in pinned.items() if k in changed})
                manifest.kept = [Kept(anchor, s, e) for anchor, s, e in spliced.kept]
                manifest.entries = _spliced_entries(previous, spliced, texts, changed, citekeys)
                result.count = len(manifest.entries)
                return manifest, spliced.content, result
        versions: dict[str, int] = dict(rows)
        versions.update({k: v for k, v in pinned.items() if k in versions})
        reusable = previous.by_key() if same and previous is not None else {}
        if previous_bytes is not None:
            for key, old in reusable.items():
                if key not in fresh and key in versions:
                    texts[key] = previous_bytes[old.start:old.end]
                    citekeys[key] = old.citekey
        if layout is None:
            layout = previous_layout(previous, previous_bytes)
        order = _order([k for k, _ in rows if k in texts], layout)
        if layout is not None and layout.blocks and self.codec.keeps_text:
            before, tail = layout.placed(order)
            data, spans, kept = self.codec.assemble_layout([texts[k] for k in order],
                                                           [before.get(k, []) for k in order], tail)
            manifest.kept = [Kept(order[i] if i >= 0 else "", s, e) for i, s, e in kept]
        else:
            data, spans = self.codec.assemble(texts[k] for k in order)
        manifest.entries = [Entry(k, versions[k], citekeys[k], s, e,
                                  reusable[k].hash if k in reusable and k not in fresh else entry_hash(data[s:e]))
                            for k, (s, e) in zip(order, spans, strict=True)]
        result.count = len(order)
        return manifest, Content(data), result

    def _render(self, todo: list[str], ctx: Any, should_stop: Callable[[], bool] | None,
                result: WriteResult) -> tuple[dict[str, bytes], dict[str, str]]:
        """The entries of the items *todo* names, with their citation keys; problems go to *result*."""
        texts: dict[str, bytes] = {}
        citekeys: dict[str, str] = {}
        for start in range(0, len(todo), RENDER_BATCH):
            if should_stop is not None and should_stop():
                raise SyncStopped("stopped before writing; the file is as it was")
            chunk = todo[start:start + RENDER_BATCH]
            items = list(self.lib.iter_items(keys=chunk))
            # Items with pinned keys need no look at every key in the library (0.4 s at 100,000).
            batch_ctx = ctx if any(not i.fields.get("citationKey") for i in items) else replace(ctx, citation_keys=None)
            got, problems = self.codec.render(items, batch_ctx)
            result.problems.extend(problems)
            for rendered in got:
                texts[rendered.key] = rendered.text
                citekeys[rendered.key] = rendered.citekey
        result.rendered = len(todo)
        return texts, citekeys

    def write(self, target: Target, manifest: Manifest, data: Content, previous: Manifest | None,
              before_replace: Callable[[], None] | None = None) -> None:
        """Place attachments, then replace the target atomically; reasons for failure as SyncFailure.

        *before_replace* runs when the new file is durable, before it replaces the old one.
        """
        path = target.file
        if not path.parent.is_dir():
            # Never re-create a vanished folder: it may be an unmounted drive or a renamed share.
            raise SyncFailure(f"folder missing: {path.parent}")
        try:
            if target.with_files:
                self._mirror_files(target, manifest, previous)
            with atomic_write(path, "wb", before_replace=before_replace) as handle:
                data.write_to(handle)
            st = path.stat()
        except OSError as exc:
            raise SyncFailure(describe_os_error(exc, path)) from exc
        if not manifest.sha256:
            manifest.sha256 = data.sha256()
        manifest.size = st.st_size
        manifest.mtime_ns = st.st_mtime_ns
        manifest.written_at = now_iso()
        if target.with_files and previous is not None:
            stale = {p for paths in previous.files.values() for p in paths} - {
                p for paths in manifest.files.values() for p in paths}
            filemirror.remove(path.parent, stale)

    def _mirror_files(self, target: Target, manifest: Manifest, previous: Manifest | None) -> None:
        """files/ for each item: unchanged items keep what the previous write placed."""
        before = previous.by_key() if previous is not None and previous.signature == manifest.signature else {}
        changed = [e.key for e in manifest.entries if before.get(e.key) is None or before[e.key].version != e.version]
        for entry in manifest.entries:
            if entry.key in before and entry.key not in changed and previous is not None:
                manifest.files[entry.key] = list(previous.files.get(entry.key, []))
        for start in range(0, len(changed), RENDER_BATCH):
            for item in self.lib.iter_items(keys=changed[start:start + RENDER_BATCH]):
                wanted = filemirror.wanted_files(self.lib, item)
                for rel, src in wanted.items():
                    filemirror.place(src, target.file.parent / rel)
                if wanted:
                    manifest.files[item.key] = sorted(wanted)



def _spliced_entries(previous: Manifest, spliced: Spliced, texts: dict[str, bytes], versions: dict[str, int],
                     citekeys: dict[str, str]) -> Entries:
    """The previous entries with the spliced ones' versions, keys, spans and hashes new (as columns: no Entry made)."""
    keys, old_versions, old_citekeys, _starts, _ends, old_hashes = columns_of(previous.entries)
    new_versions, new_citekeys, new_hashes = list(old_versions), list(old_citekeys), list(old_hashes)
    for index in spliced.changed:
        key = keys[index]
        new_versions[index], new_citekeys[index] = versions[key], citekeys[key]
        new_hashes[index] = entry_hash(texts[key])
    return Entries((list(keys), new_versions, new_citekeys, spliced.starts, spliced.ends, new_hashes))


def previous_layout(previous: Manifest | None, previous_bytes: Content | None) -> Layout | None:
    """The user's text and entry order as senref last wrote them."""
    if previous is None:
        return None
    blocks = [(k.anchor, previous_bytes[k.start:k.end]) for k in previous.kept] if previous_bytes is not None else []
    return Layout(blocks, [e.key for e in previous.entries])


def _order(in_scope: list[str], layout: Layout | None) -> list[str]:
    """The file's order for the entries it already has, then the others in library order.

    >>> _order(["a", "b", "c", "d"], Layout([], ["c", "x", "a"]))
    ['c', 'a', 'b', 'd']
    """
    if layout is None or not layout.order:
        return in_scope
    wanted = set(in_scope)
    first = list(dict.fromkeys(k for k in layout.order if k in wanted))
    placed = set(first)
    return first + [k for k in in_scope if k not in placed]
