"""The CitationKeyStore sync hands to writers: pins keys on items, and reports the versions that pinning gave."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from senref.core.library import Library
    from senref.core.model import Item


class LibraryCitationKeys:
    """Keys already pinned on library items, and the pinning of new ones (`fields["citationKey"]`).

    Pinning is an edit, so it bumps item versions; `pinned_versions` records the version each
    pinned item got in that same transaction, so the exporter knows the entry it just rendered is
    still current and does not render it again on the next run.
    """

    def __init__(self, lib: Library) -> None:
        self.lib = lib
        self._taken: set[str] | None = None
        self.pinned_versions: dict[str, int] = {}

    def taken(self) -> set[str]:
        if self._taken is None:
            sql = ("SELECT json_extract(fields, '$.citationKey') FROM items "
                   "WHERE json_extract(fields, '$.citationKey') IS NOT NULL")
            self._taken = {str(r[0]) for r in self.lib.conn.execute(sql) if r[0]}
        return self._taken

    def persist(self, assigned: dict[str, str]) -> None:
        if not assigned:
            return

        def change(item: Item) -> bool:
            key = assigned.get(item.key, "")
            if not key or item.fields.get("citationKey") == key:
                return False
            item.fields["citationKey"] = key
            return True

        present = [k for k in assigned if self.lib.has_item(k)]
        # One outer transaction: the versions read back are the ones the pinning wrote, not a
        # later edit's.
        with self.lib.db.transaction() as conn:
            changed = self.lib.edit_items(present, change)
            if changed:
                marks = ",".join("?" for _ in changed)
                for key, version in conn.execute(f"SELECT key, version FROM items WHERE key IN ({marks})", changed):
                    self.pinned_versions[str(key)] = int(version)
        self.taken().update(assigned.values())

