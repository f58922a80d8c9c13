"""Bundled Lucide icons (resources/icons/lucide): recoloured to the palette, rendered crisp, cached.

Lucide draws with `stroke="currentColor"`; we substitute a concrete colour (the palette's text colour
unless told otherwise) before QSvgRenderer sees the file, and render pixmaps at the screen's device
pixel ratio so icons stay sharp on HiDPI. A missing file falls back to the desktop theme, then to an
empty icon: an icon is decoration, never a reason to fail.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from typing import Any

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

#: Sizes (device-independent px) rendered into each icon: table rows, menus, toolbars, the pane header.
SIZES = (16, 20, 24, 32)

#: Zotero item type -> Lucide icon name; every type in core.schema.ITEM_TYPES has an entry.
ITEM_TYPE_ICONS: dict[str, str] = {
    "artwork": "palette",
    "audioRecording": "music",
    "bill": "landmark",
    "blogPost": "rss",
    "book": "book",
    "bookSection": "book-open",
    "case": "gavel",
    "computerProgram": "code",
    "conferencePaper": "presentation",
    "dataset": "database",
    "dictionaryEntry": "book-a",
    "document": "file",
    "email": "at-sign",
    "encyclopediaArticle": "book-marked",
    "film": "film",
    "forumPost": "messages-square",
    "hearing": "landmark",
    "instantMessage": "message-circle",
    "interview": "mic",
    "journalArticle": "file-text",
    "letter": "mail",
    "magazineArticle": "notebook-text",
    "manuscript": "scroll",
    "map": "map",
    "newspaperArticle": "newspaper",
    "patent": "file-badge",
    "podcast": "podcast",
    "preprint": "file-clock",
    "presentation": "projector",
    "radioBroadcast": "radio",
    "report": "file-chart-column",
    "standard": "file-check",
    "statute": "scroll-text",
    "thesis": "graduation-cap",
    "tvBroadcast": "tv",
    "videoRecording": "video",
    "webpage": "globe",
}
#: The icon of a type the map does not know (a newer Zotero schema, a typo in imported data).
FALLBACK_TYPE_ICON = "file"

#: Attachment kind (as the listing query reports it) -> (icon, tooltip); kind 0 shows nothing.
ATTACHMENT_NONE, ATTACHMENT_URL, ATTACHMENT_LINKED_FILE, ATTACHMENT_FILE, ATTACHMENT_PDF = range(5)
ATTACHMENT_ICONS: dict[int, tuple[str, str]] = {
    ATTACHMENT_PDF: ("file-text", "PDF (stored in the library)"),
    ATTACHMENT_FILE: ("file", "File (stored in the library)"),
    ATTACHMENT_LINKED_FILE: ("file-symlink", "Linked file"),
    ATTACHMENT_URL: ("link", "Link (URL)"),
}
#: Zotero draws its PDF icon red; the same cue makes a stored PDF stand out from links.
PDF_COLOR = "#d0342c"

#: The main window's toolbar actions: their icons are drawn before its first paint (see `set_action_icons`).
TOOLBAR_ACTIONS = ("new_collection_action", "add_action", "zotero_sync_action")
#: Window action attribute -> Lucide icon name (see `set_action_icons`).
ACTION_ICONS: dict[str, str] = {
    "new_collection_action": "folder-plus",
    "add_action": "wand-sparkles",
    "import_action": "import",
    "export_action": "share",
    "copy_action": "quote",
    "copy_bibliography_action": "clipboard-copy",
    "paste_action": "clipboard-paste",
    "settings_action": "settings",
    "trash_action": "trash-2",
    "restore_action": "archive-restore",
    "empty_trash_action": "trash",
    "undo_action": "undo-2",
    "redo_action": "redo-2",
    "search_action": "search",
    "quit_action": "log-out",
    "about_action": "info",
    "jobs_action": "list-checks",
    "sync_action": "refresh-cw",
    "zotero_connect_action": "key-round",
    "zotero_sync_action": "cloud-sync",
}

_svg_cache: dict[str, bytes | None] = {}
_icon_cache: dict[tuple[str, str, str, float], QIcon] = {}


def svg_source(name: str) -> bytes | None:
    """The bundled SVG *name* (no extension), or None when it is not shipped."""
    if name not in _svg_cache:
        try:
            data = resources.files("senref.resources").joinpath(f"icons/lucide/{name}.svg").read_bytes()
        except (OSError, ValueError):
            data = None
        _svg_cache[name] = data
    return _svg_cache[name]


def _palette_color(role: QPalette.ColorRole) -> QColor:
    return QGuiApplication.palette().color(QPalette.ColorGroup.Active, role)


def _render(svg: bytes, color: str, size: int, ratio: float) -> QPixmap:
    renderer = QSvgRenderer(QByteArray(svg.replace(b"currentColor", color.encode())))
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return pixmap


def _device_ratio() -> float:
    app = QGuiApplication.instance()
    screen = QGuiApplication.primaryScreen() if app is not None else None
    return float(screen.devicePixelRatio()) if screen is not None else 1.0


def _key(name: str, color: QColor | str | None) -> tuple[str, str, str, float]:
    """What `icon(name, color)` is drawn from now: the name, both colours, the screen's pixel ratio."""
    normal = QColor(color) if color is not None else _palette_color(QPalette.ColorRole.WindowText)
    selected = _palette_color(QPalette.ColorRole.HighlightedText)
    return name, normal.name(QColor.NameFormat.HexArgb), selected.name(QColor.NameFormat.HexArgb), _device_ratio()


def _build(key: tuple[str, str, str, float]) -> QIcon:
    name, normal, selected, ratio = key
    svg = svg_source(name)
    if svg is None:
        return QIcon.fromTheme(name)
    built = QIcon()
    for size in SIZES:
        for ratio_n in {1.0, ratio}:
            built.addPixmap(_render(svg, QColor(normal).name(), size, ratio_n), QIcon.Mode.Normal)
            built.addPixmap(_render(svg, QColor(selected).name(), size, ratio_n), QIcon.Mode.Selected)
    return built


def icon(name: str, color: QColor | str | None = None) -> QIcon:
    """Lucide icon *name* in *color* (default: the palette's text colour); selected rows get the
    highlighted-text colour so the icon stays visible on the selection."""
    key = _key(name, color)
    found = _icon_cache.get(key)
    if found is None:
        found = _icon_cache[key] = _build(key)
    return found


class _DeferredIconEngine(QIconEngine):
    """`icon(name)` as it is at creation, rendered the first time Qt asks for a pixmap, its size or a paint.

    A menu's icons are drawn only when it opens: rendered with the window, the menus' 17 icons (8 pixmaps
    each, with the SVG renderers' and painters' allocations around them) held 1.6 MB of an idle window.
    Every request goes to the very icon `icon()` would have given, so what is drawn is the same.
    """

    def __init__(self, key: tuple[str, str, str, float]) -> None:
        super().__init__()
        self._key = key
        self._icon: QIcon | None = None

    def real(self) -> QIcon:
        if self._icon is None:
            found = _icon_cache.get(self._key)
            if found is None:
                found = _icon_cache[self._key] = _build(self._key)
            self._icon = found
        return self._icon

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        # As Qt's pixmap engine paints: the pixmap for the rect at the device's ratio (the rect is aligned already).
        device = painter.device()
        ratio = device.devicePixelRatio() if device is not None else _device_ratio()
        painter.drawPixmap(rect, self.real().pixmap(rect.size(), ratio, mode, state))

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.real().pixmap(size, mode, state)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:
        return self.real().pixmap(size, scale, mode, state)  # Qt 6 asks with the logical size, as QIcon.pixmap takes it

    def actualSize(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QSize:
        """As Qt's pixmap engine answers, in device-independent pixels: the smallest of SIZES that covers
        *size* (else the largest), shrunk to fit it. (QIcon.actualSize would convert for the screen's ratio
        a second time.) Answered without rendering: Qt asks before it lays a menu out."""
        if not svg_source(self._key[0]):
            return self.real().actualSize(size, mode, state)
        area = size.width() * size.height()
        side = min((s for s in SIZES if s * s >= area), default=max(SIZES))
        found = QSize(side, side)
        if side > size.width() or side > size.height():
            found = found.scaled(size, Qt.AspectRatioMode.KeepAspectRatio)
        return found

    def availableSizes(self, mode: QIcon.Mode = QIcon.Mode.Normal, state: QIcon.State = QIcon.State.Off) -> list[QSize]:
        return list(self.real().availableSizes(mode, state))

    def isNull(self) -> bool:
        # Qt asks before it lays a menu out: answered without rendering (a shipped SVG always draws).
        return svg_source(self._key[0]) is None and self.real().isNull()

    def key(self) -> str:
        return "senref-deferred"

    def clone(self) -> QIconEngine:
        twin = _DeferredIconEngine(self._key)
        twin._icon = self._icon
        return twin


def deferred_icon(name: str, color: QColor | str | None = None) -> QIcon:
    """`icon(name, color)`, its pixmaps rendered when first drawn (already rendered ones are reused)."""
    key = _key(name, color)
    found = _icon_cache.get(key)
    return found if found is not None else QIcon(_DeferredIconEngine(key))


def item_type_icon(item_type: str) -> QIcon:
    """The icon of a Zotero item type (a generic document for types the map does not know)."""
    return icon(ITEM_TYPE_ICONS.get(item_type, FALLBACK_TYPE_ICON))


def attachment_icon(kind: int) -> QIcon | None:
    """The attachment column's icon for *kind* (an ATTACHMENT_* value), None for no attachment."""
    entry = ATTACHMENT_ICONS.get(kind)
    if entry is None:
        return None
    return icon(entry[0], PDF_COLOR if kind == ATTACHMENT_PDF else None)


def attachment_tooltip(kind: int) -> str:
    entry = ATTACHMENT_ICONS.get(kind)
    return entry[1] if entry else "No attachment"


def set_action_icons(owner: Any, only: Iterable[str] | None = None) -> None:
    """Give *owner*'s actions (the main window's `*_action` attributes) their icons; absent ones are skipped.

    With *only*, just those attributes (the window draws its toolbar's as it is built, the rest once
    its table has painted: 22 icons of 8 pixmaps each were a quarter of building the window); without,
    every action that has no icon yet, each rendered when first drawn (a menu's, when it first opens).
    """
    for attribute, name in ACTION_ICONS.items():
        if only is not None and attribute not in only:
            continue
        action = getattr(owner, attribute, None)
        if action is not None and hasattr(action, "setIcon") and (only is not None or action.icon().isNull()):
            action.setIcon(icon(name) if only is not None else deferred_icon(name))


def clear_cache() -> None:
    """Forget rendered icons (each palette gets its own entries, so this only frees memory)."""
    _icon_cache.clear()
