"""Users, groups and API keys of the Web API double, and the permission checks a key is put through."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

FULL_ACCESS: dict[str, Any] = {"user": {"library": True, "files": True, "notes": True, "write": True},
                               "groups": {"all": {"library": True, "write": True}}}


@dataclass
class Group:
    """A group's metadata (its own version, separate from its library's)."""

    id: int
    name: str
    owner: int
    members: list[int] = field(default_factory=list)
    admins: list[int] = field(default_factory=list)
    type: str = "Private"
    library_reading: str = "members"
    library_editing: str = "members"
    file_editing: str = "members"
    version: int = 1
    created: str = "2024-01-01T00:00:00Z"

    def update(self, **changes: Any) -> None:
        """Change the metadata as a group admin would on zotero.org; the group version grows."""
        for name, value in changes.items():
            setattr(self, name, value)
        self.version += 1

    def is_member(self, user_id: int) -> bool:
        return user_id == self.owner or user_id in self.members or user_id in self.admins

    def is_admin(self, user_id: int) -> bool:
        return user_id == self.owner or user_id in self.admins

    def to_json(self, base: str, num_items: int) -> dict[str, Any]:
        data = {"id": self.id, "version": self.version, "name": self.name, "owner": self.owner, "type": self.type,
                "description": "", "url": "", "hasImage": 0, "libraryEditing": self.library_editing,
                "libraryReading": self.library_reading, "fileEditing": self.file_editing,
                "members": sorted(set(self.members) | set(self.admins))}
        if self.admins:
            data["admins"] = list(self.admins)
        return {"id": self.id, "version": self.version,
                "links": {"self": {"href": f"{base}/groups/{self.id}", "type": "application/json"},
                          "alternate": {"href": f"{base}/web/groups/{self.id}", "type": "text/html"}},
                "meta": {"created": self.created, "lastModified": self.created, "numItems": num_items},
                "data": data}


@dataclass
class ApiKey:
    """A registered key; `access` has the `/keys/current` shape."""

    key: str
    user_id: int
    username: str
    access: dict[str, Any] = field(default_factory=lambda: copy.deepcopy(FULL_ACCESS))

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "userID": self.user_id, "username": self.username, "displayName": self.username,
                "access": self.access}

    def rights(self, library_type: str, library_id: int, group: Group | None) -> set[str]:
        """What this key may do in a library: a subset of {"library", "write", "files", "notes"}."""
        if library_type == "user":
            if library_id != self.user_id:
                return set()
            return {name for name, allowed in self.access.get("user", {}).items() if allowed}
        if group is None or not group.is_member(self.user_id):
            return set()
        groups = self.access.get("groups", {})
        grant = groups.get(str(library_id), groups.get("all", {}))
        rights = {name for name, allowed in grant.items() if allowed}
        if "library" in rights:
            rights.add("notes")
        editors_only = group.library_editing == "admins" and not group.is_admin(self.user_id)
        if editors_only:
            rights.discard("write")
        files_ok = group.file_editing == "members" or (group.file_editing == "admins" and group.is_admin(self.user_id))
        if "write" in rights and files_ok:
            rights.add("files")
        return rights
