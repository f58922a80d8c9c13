"""Menu entry, file associations, icons and AppStream data for the current user (freedesktop desktops).

`install()` copies the files shipped in `senref.resources` (desktop/ and icons/) into the user's
XDG data folder and refreshes the desktop and MIME caches; `uninstall()` removes exactly those
files. Both are idempotent. Nothing here needs Qt, so the CLI can run it without a display.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

#: Reverse-DNS application id: desktop file, MIME package, metainfo and icon are all named after it.
APP_ID = "io.github.senref.senref"
#: PNG sizes rendered from the SVG (resources/icons/senref-<size>.png), installed into hicolor.
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
#: The launcher the desktop entry starts; resolved to an absolute path at install time when found.
GUI_COMMAND = "senref-gui"


class DesktopError(RuntimeError):
    """Desktop integration is not possible here (another platform, unreadable resources)."""


@dataclass(frozen=True)
class Placement:
    """One file we install: where its content comes from and where it goes below the data folder."""

    source: Traversable
    target: Path  # relative to the XDG data home


@dataclass
class Outcome:
    """What install or uninstall did, for the CLI to print."""

    data_home: Path
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    tools_run: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def supported(platform: str | None = None) -> bool:
    """Windows and macOS register file types through their installers, not through XDG folders."""
    platform = sys.platform if platform is None else platform
    return not (platform.startswith("win") or platform == "darwin")


def data_home(env: Mapping[str, str] | None = None) -> Path:
    """`$XDG_DATA_HOME`, or `~/.local/share` when it is unset or relative (the XDG spec says to ignore those)."""
    env = os.environ if env is None else env
    value = env.get("XDG_DATA_HOME", "")
    if value and Path(value).is_absolute():
        return Path(value)
    return Path.home() / ".local" / "share"


def placements() -> list[Placement]:
    """Every file install writes, in a fixed order (uninstall removes the same list)."""
    shipped = resources.files("senref.resources")
    desktop = shipped.joinpath("desktop")
    icons = shipped.joinpath("icons")
    found = [
        Placement(desktop.joinpath(f"{APP_ID}.desktop"), Path("applications", f"{APP_ID}.desktop")),
        Placement(desktop.joinpath(f"{APP_ID}.xml"), Path("mime", "packages", f"{APP_ID}.xml")),
        Placement(desktop.joinpath(f"{APP_ID}.metainfo.xml"), Path("metainfo", f"{APP_ID}.metainfo.xml")),
        Placement(icons.joinpath("senref.svg"), Path("icons", "hicolor", "scalable", "apps", f"{APP_ID}.svg")),
    ]
    found += [
        Placement(icons.joinpath(f"senref-{size}.png"), Path("icons", "hicolor", f"{size}x{size}", "apps", f"{APP_ID}.png"))
        for size in ICON_SIZES
    ]
    return found


def find_gui_command() -> Path | None:
    """The `senref-gui` launcher of this installation: beside the interpreter (venv, bundle) or on PATH.

    A menu entry runs with the session's PATH, which often lacks ~/.local/bin or a venv's bin/,
    so the installed entry names the launcher by absolute path whenever we can find it.
    """
    names = [GUI_COMMAND + ".exe", GUI_COMMAND] if sys.platform.startswith("win") else [GUI_COMMAND]
    for name in names:
        beside = Path(sys.executable).parent / name
        if beside.is_file() and os.access(beside, os.X_OK):
            return beside
    found = shutil.which(GUI_COMMAND)
    return Path(found) if found else None


def quote_exec_argument(value: str) -> str:
    """Quote one Exec argument as the Desktop Entry spec requires (double quotes; escape " ` $ \\)."""
    value = value.replace("%", "%%")  # a literal % would otherwise start a field code such as %F
    if not any(ch in value for ch in ' \t\n"\'\\><~|&;$*?#()`'):
        return value
    escaped = "".join("\\" + ch if ch in '"`$\\' else ch for ch in value)
    # The desktop file format itself treats backslash as an escape, so every one is doubled again.
    return '"' + escaped.replace("\\", "\\\\") + '"'


def desktop_entry_text(template: str, launcher: Path | None) -> str:
    """The shipped entry with Exec/TryExec pointing at *launcher* (unchanged when it is None)."""
    if launcher is None:
        return template
    command = quote_exec_argument(str(launcher))
    lines = []
    for line in template.splitlines():
        if line.startswith("Exec=" + GUI_COMMAND):
            lines.append("Exec=" + command + line[len("Exec=" + GUI_COMMAND):])
        elif line.startswith("TryExec="):
            # TryExec is a plain path, not a command line: the spec allows no quoting there.
            lines.append("TryExec=" + str(launcher))
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def _content(placement: Placement, launcher: Path | None) -> bytes:
    data = placement.source.read_bytes()
    if placement.target.suffix == ".desktop":
        return desktop_entry_text(data.decode("utf-8"), launcher).encode("utf-8")
    return data


def install(home: Path | None = None, *, run_tools: bool = True, launcher: Path | None = None) -> Outcome:
    """Copy the integration files into *home* (default: XDG data home) and refresh the caches.

    Files whose content is already right are left untouched, so a second run changes nothing.
    *launcher* overrides the `senref-gui` found by `find_gui_command()`.
    """
    if not supported():
        raise DesktopError("desktop integration files are for Linux and other freedesktop systems; "
                           "on Windows and macOS the installer registers senref (see packaging/README.md)")
    outcome = Outcome(data_home=home or data_home())
    launcher = launcher or find_gui_command()
    if launcher is None:
        outcome.warnings.append(f"'{GUI_COMMAND}' was not found on PATH; the menu entry runs '{GUI_COMMAND}' "
                                "and works once it is")
    for placement in placements():
        try:
            content = _content(placement, launcher)
        except (FileNotFoundError, OSError) as exc:
            raise DesktopError(f"senref's packaged file {placement.target.name} cannot be read ({exc}); "
                               "reinstall senref") from exc
        target = outcome.data_home / placement.target
        if target.is_file() and target.read_bytes() == content:
            outcome.unchanged.append(target)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write beside and rename, so a desktop watching the folder never reads half a file.
        partial = target.with_name(target.name + ".part")
        partial.write_bytes(content)
        partial.replace(target)
        outcome.written.append(target)
    if run_tools:
        _refresh_caches(outcome)
    return outcome


def uninstall(home: Path | None = None, *, run_tools: bool = True) -> Outcome:
    """Remove the files install writes (and the folders install created, once they are empty)."""
    outcome = Outcome(data_home=home or data_home())
    targets = [outcome.data_home / p.target for p in placements()]
    for target in targets:
        if target.is_file() or target.is_symlink():
            target.unlink()
            outcome.removed.append(target)
    if run_tools and outcome.removed:
        _refresh_caches(outcome)
    _prune_empty_parents(targets, outcome.data_home)
    return outcome


def _prune_empty_parents(targets: list[Path], stop: Path) -> None:
    """Remove now-empty folders between our files and the data home (icons/hicolor/48x48/apps, ...).

    Only empty ones: a folder that holds anything else (another program's icon, a MIME cache) stays.
    """
    folders = {parent for target in targets for parent in target.parents if parent != stop and stop in parent.parents}
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        try:
            folder.rmdir()
        except OSError:
            continue  # not empty, or already gone


def _refresh_caches(outcome: Outcome) -> None:
    """Rebuild the MIME and desktop-entry caches when their tools are installed (desktop-file-utils,
    shared-mime-info); without them the files still work once the desktop rescans its folders."""
    jobs = [
        ("update-mime-database", outcome.data_home / "mime"),
        ("update-desktop-database", outcome.data_home / "applications"),
    ]
    for tool, folder in jobs:
        executable = shutil.which(tool)
        if executable is None:
            outcome.warnings.append(f"{tool} not found; the desktop picks up the change at its next rescan")
            continue
        if not folder.is_dir():
            continue
        try:
            result = subprocess.run([executable, str(folder)], capture_output=True, text=True, timeout=60, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            outcome.warnings.append(f"{tool} failed: {exc}")
            continue
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()
            outcome.warnings.append(f"{tool} exited with {result.returncode}" + (f": {detail[0]}" if detail else ""))
        else:
            outcome.tools_run.append(tool)
