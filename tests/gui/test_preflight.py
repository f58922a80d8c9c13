"""The check before the QApplication: a missing X library is named with its install command, never a Qt abort."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from senref.gui import preflight

ROOT = Path(__file__).resolve().parents[2]


def fake_ldd(folder: Path, output: str, status: int = 0) -> Path:
    """An `ldd` that prints *output* for any file, first on PATH when *folder* is."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "ldd"
    # printf is a shell builtin: the script works with PATH holding only its own folder.
    script.write_text(f"#!/bin/sh\nprintf '%s\\n' '{output}'\nexit {status}\n", encoding="utf-8")
    script.chmod(0o755)
    return script


def gui_env(tmp_path: Path, bin_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "SENREF_DEBUG")}
    env.update(DISPLAY=":77", XDG_SESSION_TYPE="x11", SENREF_HOME=str(tmp_path / "home"),
               PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    return env


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb plugin is Linux's")
def test_the_real_check_on_this_machine_finds_nothing_missing() -> None:
    ldd = shutil.which("ldd")
    files = preflight.plugin_files()
    assert ldd is not None and files, "this machine must have ldd and PySide6's xcb plugin for the check to mean anything"
    assert files[0].name == "libqxcb.so" and any(f.name.startswith("libQt6XcbQpa") for f in files)
    assert preflight.missing_libraries(files, ldd) == ()
    assert preflight.check({"DISPLAY": ":0", "PATH": os.environ["PATH"]}) is None


def test_importing_the_check_does_not_import_qt() -> None:
    code = "import sys, senref.gui.preflight; sys.exit(any(m.split('.')[0] in ('PySide6', 'shiboken6') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0


LAUNCHES = {
    "senref --demo": [sys.executable, "-m", "senref", "--demo"],
    "senref-gui": [sys.executable, "-c", "import sys; from senref.__main__ import gui_main; sys.exit(gui_main())"],
}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb plugin is Linux's")
@pytest.mark.parametrize("launch", sorted(LAUNCHES))
def test_a_hidden_library_gives_one_line_and_exit_1(tmp_path: Path, launch: str) -> None:
    bin_dir = tmp_path / "bin"
    fake_ldd(bin_dir, "\tlibxcb-icccm.so.4 => not found\n\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x0)")
    result = subprocess.run(LAUNCHES[launch], capture_output=True, text=True, env=gui_env(tmp_path, bin_dir),
                            timeout=120, cwd=ROOT)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "libxcb-icccm.so.4" in lines[0]
    index = preflight.family_index(preflight.read_os_release())
    expected = preflight.install_command(("libxcb-icccm.so.4",), 0 if index is None else index, root=True)
    assert expected in lines[0]  # "apt install libxcb-icccm4" on Debian/Ubuntu, after "sudo " unless root
    assert "libxcb-icccm4" in lines[0] or index not in (None, 0)
    assert not re.search(r"qt\.qpa|platform plugin could be initialized|Aborted|Traceback", result.stderr)
    assert not (tmp_path / "home").exists(), "nothing (not even the demo library) is made before the check"


@pytest.mark.parametrize(("env", "checked"), [
    ({"DISPLAY": ":0"}, True),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}, True),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb:nograb"}, True),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, False),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland"}, False),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland;xcb"}, False),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": " "}, True),
    ({"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland", "DISPLAY": ":0"}, False),
    ({"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "x11", "DISPLAY": ":0"}, True),
    ({"WAYLAND_DISPLAY": "wayland-0"}, True),
    ({}, False),
])
def test_which_environments_get_the_xcb_check(env: dict[str, str], checked: bool) -> None:
    assert preflight.wants_xcb(env, platform="linux") is checked
    assert preflight.wants_xcb(env, platform="darwin") is False
    assert preflight.wants_xcb(env, platform="win32") is False


DEBIAN = {"ID": "debian"}
UBUNTU = {"ID": "ubuntu", "ID_LIKE": "debian"}
MINT = {"ID": "linuxmint", "ID_LIKE": "ubuntu debian"}
FEDORA = {"ID": "fedora"}
ROCKY = {"ID": "rocky", "ID_LIKE": "rhel centos fedora"}
ARCH = {"ID": "arch"}
MANJARO = {"ID": "manjaro", "ID_LIKE": "arch"}
SUSE = {"ID": "opensuse-tumbleweed", "ID_LIKE": "opensuse suse"}


@pytest.mark.parametrize(("os_release", "libraries", "command"), [
    (DEBIAN, ("libxcb-icccm.so.4",), "sudo apt install libxcb-icccm4"),
    (UBUNTU, ("libxcb-icccm.so.4", "libxcb-keysyms.so.1"), "sudo apt install libxcb-icccm4 libxcb-keysyms1"),
    (MINT, ("libxcb-cursor.so.0",), "sudo apt install libxcb-cursor0"),
    (FEDORA, ("libxcb-cursor.so.0",), "sudo dnf install xcb-util-cursor"),
    (ROCKY, ("libxcb-icccm.so.4", "libEGL.so.1"), "sudo dnf install xcb-util-wm libglvnd-egl"),
    (FEDORA, ("libxcb-shape.so.0", "libxcb-randr.so.0"), "sudo dnf install libxcb"),  # one package, named once
    (ARCH, ("libxcb-keysyms.so.1", "libxkbcommon-x11.so.0"), "sudo pacman -S --needed xcb-util-keysyms libxkbcommon-x11"),
    (MANJARO, ("libGL.so.1", "libEGL.so.1"), "sudo pacman -S --needed libglvnd"),
    (DEBIAN, ("libfontconfig.so.1", "libdbus-1.so.3"), "sudo apt install libfontconfig1 libdbus-1-3"),
])
def test_install_commands_per_distribution(os_release: dict[str, str], libraries: tuple[str, ...],
                                           command: str) -> None:
    line = preflight.Missing(libraries).message(os_release)
    assert f"install with: {command} " in line
    assert all(lib in line for lib in libraries)
    assert "\n" not in line
    assert f"install with: {command.removeprefix('sudo ')} " in preflight.Missing(libraries).message(os_release, root=True)


def test_an_unknown_system_gets_every_command_and_an_unknown_library_is_still_named() -> None:
    line = preflight.Missing(("libxcb-icccm.so.4", "libQt6XcbQpa.so.6")).message(SUSE)
    for part in ("Debian/Ubuntu: sudo apt install libxcb-icccm4", "Fedora: sudo dnf install xcb-util-wm",
                 "Arch: sudo pacman -S --needed xcb-util-wm", "the packages that provide libQt6XcbQpa.so.6"):
        assert part in line
    only_unknown = preflight.Missing(("libweird.so.9",)).message(DEBIAN)
    assert "install the packages that provide libweird.so.9" in only_unknown


def test_ldd_output_is_parsed_and_a_failing_ldd_reports_nothing(tmp_path: Path) -> None:
    target = tmp_path / "libqxcb.so"
    target.write_bytes(b"")
    ldd = fake_ldd(tmp_path / "a", "\tlibxcb-icccm.so.4 => not found\n\tlibxcb-keysyms.so.1 => not found\n"
                                   "\tlibxcb-icccm.so.4 => not found\n\tlibm.so.6 => /lib/libm.so.6 (0x0)")
    assert preflight.missing_libraries([target, target], str(ldd)) == ("libxcb-icccm.so.4", "libxcb-keysyms.so.1")
    broken = fake_ldd(tmp_path / "b", "\tnot a dynamic executable", status=1)
    assert preflight.missing_libraries([target], str(broken)) == ()
    assert preflight.missing_libraries([target], str(tmp_path / "no-such-ldd")) == ()


def test_no_ldd_on_path_means_no_check(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert preflight.check({"DISPLAY": ":0", "PATH": str(tmp_path / "empty")}) is None


def test_the_check_reports_what_ldd_found(tmp_path: Path) -> None:
    if not preflight.plugin_files():
        pytest.skip("PySide6 without its xcb plugin")
    fake_ldd(tmp_path, "\tlibxcb-cursor.so.0 => not found")
    missing = preflight.check({"DISPLAY": ":0", "PATH": str(tmp_path)})
    assert missing == preflight.Missing(("libxcb-cursor.so.0",))
    assert preflight.check({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen", "PATH": str(tmp_path)}) is None


def test_os_release_is_read_with_quotes_and_comments(tmp_path: Path) -> None:
    path = tmp_path / "os-release"
    path.write_text('# comment\nNAME="Linux Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\nbroken line\n', encoding="utf-8")
    values = preflight.read_os_release(path)
    assert values["ID"] == "linuxmint" and values["ID_LIKE"] == "ubuntu debian" and values["NAME"] == "Linux Mint"
    assert preflight.family_index(values) == 0
    assert preflight.read_os_release(tmp_path / "missing") == {}


def test_readme_lists_the_window_libraries_ci_installs_and_the_table_knows_them() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci_window = {p for p in re.findall(r"\b(lib[\w.+-]+)", ci) if p.startswith(("libxcb", "libegl", "libgl",
                                                                                  "libxkb", "libfont", "libdbus"))}
    apt_lines = [line for line in readme.splitlines() if line.startswith("sudo apt install ")]
    assert len(apt_lines) == 1
    readme_packages = set(apt_lines[0].split()[3:])
    assert ci_window and ci_window <= readme_packages
    debian_column = {packages[0] for packages in preflight.PACKAGES.values()}
    assert readme_packages <= debian_column
