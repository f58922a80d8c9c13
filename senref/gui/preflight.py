"""Before the QApplication: can Qt's xcb platform plugin load? If not, say which packages to install.

Without this, a missing X library ends in Qt's own abort ("Could not load the Qt platform plugin xcb"
plus a hint about xcb-cursor0 whether or not that is the one missing), a core dump and no package
name. This module must not import PySide6: importing PySide6.QtGui already needs some of the very
libraries it checks for. The plugin is found through the package's location on disk instead.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

#: soname -> (Debian/Ubuntu apt package, Fedora dnf package, Arch pacman package).
#: What libqxcb.so and libQt6XcbQpa.so.6 of the PySide6 wheels link against (ldd lists the whole tree).
PACKAGES: dict[str, tuple[str, str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util", "xcb-util"),
    "libxcb.so.1": ("libxcb1", "libxcb", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb", "libxcb"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb", "libxcb"),
    "libxcb-xinput.so.0": ("libxcb-xinput0", "libxcb", "libxcb"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon", "libxkbcommon"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11", "libxkbcommon-x11"),
    "libX11.so.6": ("libx11-6", "libX11", "libx11"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb", "libx11"),
    "libXau.so.6": ("libxau6", "libXau", "libxau"),
    "libXdmcp.so.6": ("libxdmcp6", "libXdmcp", "libxdmcp"),
    "libSM.so.6": ("libsm6", "libSM", "libsm"),
    "libICE.so.6": ("libice6", "libICE", "libice"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl", "libglvnd"),
    "libGL.so.1": ("libgl1", "libglvnd-glx", "libglvnd"),
    "libGLX.so.0": ("libglx0", "libglvnd-glx", "libglvnd"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl", "libglvnd"),
    "libGLdispatch.so.0": ("libglvnd0", "libglvnd", "libglvnd"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype", "freetype2"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs", "dbus"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2", "glib2"),
    "libpng16.so.16": ("libpng16-16", "libpng", "libpng"),
    "libz.so.1": ("zlib1g", "zlib", "zlib"),
    "libzstd.so.1": ("libzstd1", "libzstd", "zstd"),
    "libexpat.so.1": ("libexpat1", "expat", "expat"),
    "libpcre2-8.so.0": ("libpcre2-8-0", "pcre2", "pcre2"),
    "libbrotlidec.so.1": ("libbrotli1", "brotli", "brotli"),
}

#: Package manager families, in PACKAGES' column order: (os-release ids, display name, install command).
FAMILIES: tuple[tuple[frozenset[str], str, str], ...] = (
    (frozenset({"debian", "ubuntu"}), "Debian/Ubuntu", "apt install"),
    (frozenset({"fedora", "rhel", "centos"}), "Fedora", "dnf install"),
    (frozenset({"arch"}), "Arch", "pacman -S --needed"),
)

_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)


@dataclass(frozen=True)
class Missing:
    """Libraries the xcb plugin needs and the loader cannot find."""

    libraries: tuple[str, ...]

    def message(self, os_release: Mapping[str, str], *, root: bool = False) -> str:
        """The one line printed to stderr: what is missing and the command that installs it."""
        libs = ", ".join(self.libraries)
        return (f"senref: the window cannot start: Qt's xcb platform plugin needs {libs}, "
                f"not found on this system; {install_hint(self.libraries, os_release, root=root)} "
                f"(the senref CLI works without {'it' if len(self.libraries) == 1 else 'them'})")


def wants_xcb(env: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Whether Qt, started with *env*, would load its xcb plugin first."""
    if not platform.startswith("linux"):
        return False
    chosen = env.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        # "xcb:arg=..." takes arguments; "wayland;xcb" is a fallback list: xcb matters only when first.
        return chosen.split(";")[0].split(":")[0].strip() == "xcb"
    if env.get("XDG_SESSION_TYPE") == "wayland" and env.get("WAYLAND_DISPLAY"):
        return False  # Qt 6 picks its wayland plugin in a Wayland session
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def plugin_files() -> list[Path]:
    """libqxcb.so and the libQt6XcbQpa it links, located without importing PySide6."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return []
    for location in spec.submodule_search_locations:
        qt = Path(location) / "Qt"
        plugin = qt / "plugins" / "platforms" / "libqxcb.so"
        if plugin.is_file():
            return [plugin, *sorted((qt / "lib").glob("libQt6XcbQpa.so*"))[:1]]
    return []


def missing_libraries(files: list[Path], ldd: str) -> tuple[str, ...]:
    """Sonames `ldd` reports as "not found" for *files*, in first-seen order (none when ldd fails)."""
    found: dict[str, None] = {}
    for path in files:
        try:
            result = subprocess.run([ldd, str(path)], capture_output=True, text=True, timeout=20, check=False)
        except (OSError, subprocess.SubprocessError):
            continue
        for name in _NOT_FOUND.findall(result.stdout):
            found.setdefault(name, None)
    return tuple(found)


def check(env: Mapping[str, str] | None = None) -> Missing | None:
    """What stops the xcb plugin from loading, or None (also when it cannot be told: no ldd, no plugin)."""
    env = os.environ if env is None else env
    if not wants_xcb(env):
        return None
    ldd = shutil.which("ldd", path=env.get("PATH"))
    files = plugin_files()
    if ldd is None or not files:
        return None
    libraries = missing_libraries(files, ldd)
    return Missing(libraries) if libraries else None


def read_os_release(path: Path = Path("/etc/os-release")) -> dict[str, str]:
    values: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return values
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and not key.startswith("#"):
            values[key.strip()] = value.strip().strip("\"'")
    return values


def family_index(os_release: Mapping[str, str]) -> int | None:
    """The PACKAGES column for this system (ID first, then ID_LIKE in order), None when unknown."""
    ids = [os_release.get("ID", ""), *os_release.get("ID_LIKE", "").split()]
    for name in (i.lower() for i in ids if i):
        for index, (members, _label, _command) in enumerate(FAMILIES):
            if name in members:
                return index
    return None


def install_command(libraries: tuple[str, ...], index: int, *, root: bool = False) -> str:
    """The install command for family *index*; sonames not in the table are left for the sentence."""
    packages = dict.fromkeys(PACKAGES[lib][index] for lib in libraries if lib in PACKAGES)
    if not packages:
        return ""
    return ("" if root else "sudo ") + f"{FAMILIES[index][2]} {' '.join(packages)}"


def install_hint(libraries: tuple[str, ...], os_release: Mapping[str, str], *, root: bool = False) -> str:
    unknown = [lib for lib in libraries if lib not in PACKAGES]
    tail = f" and the packages that provide {', '.join(unknown)}" if unknown else ""
    index = family_index(os_release)
    if index is not None and (command := install_command(libraries, index, root=root)):
        return f"install with: {command}{tail}"
    commands = [f"{label}: {cmd}" for i, (_ids, label, _c) in enumerate(FAMILIES)
                if (cmd := install_command(libraries, i, root=root))]
    if not commands:
        return f"install the packages that provide {', '.join(libraries)}"
    return f"install with ({'; '.join(commands)}){tail}"


def preflight(env: Mapping[str, str] | None = None) -> int:
    """0 when the window may start; else print the one line to stderr and return 1 (the exit code)."""
    missing = check(env)
    if missing is None:
        return 0
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    print(missing.message(read_os_release(), root=root), file=sys.stderr)
    return 1
