"""User settings: a TOML file in the config folder, overridden by SENREF_* environment variables."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from senref.core.atomic import atomic_write
from senref.paths import Paths, get_paths

#: service name -> (environment variable, default root URL). Real paths are appended to the root.
SERVICE_URLS: dict[str, tuple[str, str]] = {
    "hal_api": ("SENREF_HAL_API_URL", "https://api.archives-ouvertes.fr"),
    "hal": ("SENREF_HAL_URL", "https://hal.science"),
    "crossref": ("SENREF_CROSSREF_URL", "https://api.crossref.org"),
    "doi": ("SENREF_DOI_URL", "https://doi.org"),
    "datacite": ("SENREF_DATACITE_URL", "https://api.datacite.org"),
    "unpaywall": ("SENREF_UNPAYWALL_URL", "https://api.unpaywall.org"),
    "pubmed": ("SENREF_PUBMED_URL", "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"),
    "arxiv": ("SENREF_ARXIV_URL", "https://export.arxiv.org/api"),
}


@dataclass
class Settings:
    """What a user can set; `urls` maps service name to root URL (no trailing slash)."""

    email: str = ""
    download_pdfs: bool = True
    default_collection: str = ""
    library: str = ""
    urls: dict[str, str] = field(default_factory=dict)
    citation_key_pattern: str = "[auth:lower][year][veryshorttitle:lower]"
    #: Network limits ([network] table, see NETWORK_LIMITS): seconds to connect / between bytes,
    #: retries per request, largest PDF kept and wall-clock limit per download (a drip-feeding server
    #: defeats a read timeout); the same two limits for metadata answers; redirects followed; and the
    #: per-host circuit breaker (failures in a row within the window, then skipped for the cool-down).
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    retries: int = 3
    max_pdf_mb: float = 100.0
    download_deadline: float = 120.0
    max_metadata_mb: float = 20.0
    request_deadline: float = 60.0
    max_redirects: int = 10
    breaker_failures: int = 5
    breaker_window: float = 60.0
    breaker_cooldown: float = 60.0
    #: Largest bibliography file an import reads ([import] max_file_mb); larger ones are refused unread.
    max_import_mb: float = 500.0
    raw: dict[str, Any] = field(default_factory=dict)

    def url(self, service: str) -> str:
        return self.urls[service].rstrip("/")


def load_settings(paths: Paths | None = None, env: dict[str, str] | None = None) -> Settings:
    """Read settings.toml (missing or unreadable file = defaults), then apply environment overrides."""
    paths = paths or get_paths(env)
    env = dict(os.environ) if env is None else env
    raw: dict[str, Any] = {}
    try:
        raw = tomllib.loads(paths.settings_file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        raw = {}
    network: dict[str, Any] = raw["network"] if isinstance(raw.get("network"), dict) else {}
    urls_conf: dict[str, Any] = raw["urls"] if isinstance(raw.get("urls"), dict) else {}
    urls = {}
    for name, (var, default) in SERVICE_URLS.items():
        urls[name] = (env.get(var) or str(urls_conf.get(name) or "") or default).rstrip("/")
    settings = Settings(
        email=env.get("SENREF_EMAIL") or str(network.get("email") or raw.get("email") or ""),
        download_pdfs=bool(network.get("download_pdfs", raw.get("download_pdfs", True))),
        default_collection=str(raw.get("default_collection") or ""),
        library=str(raw.get("library") or ""),
        urls=urls,
        raw=raw,
    )
    for name, (kind, low, high) in NETWORK_LIMITS.items():
        value = _limit(network.get(name), low, high)
        if value is not None:
            setattr(settings, name, int(value) if kind is int else value)
    imports: dict[str, Any] = raw["import"] if isinstance(raw.get("import"), dict) else {}
    max_import = _positive(imports.get("max_file_mb"))
    if max_import is not None:
        settings.max_import_mb = max_import
    pattern = (raw.get("export") or {}).get("citation_key_pattern") if isinstance(raw.get("export"), dict) else None
    if pattern:
        settings.citation_key_pattern = str(pattern)
    return settings


def _positive(value: Any) -> float | None:
    """A usable limit from the settings file: a finite number >= 0, else None (keep the default)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if 0 <= value < 1e9 else None


#: [network] keys: type, smallest accepted value (smaller or not a number = keep the default), largest
#: (larger = this). Zero is refused for timeouts and sizes (it would mean "fail everything"); zero
#: breaker failures turns the breaker off. More than 10 redirects is never followed.
NETWORK_LIMITS: dict[str, tuple[type, float, float]] = {
    "connect_timeout": (float, 0.001, 300.0),
    "read_timeout": (float, 0.001, 3600.0),
    "retries": (int, 0, 10),
    "max_pdf_mb": (float, 0.001, 100_000.0),
    "download_deadline": (float, 0.001, 86_400.0),
    "max_metadata_mb": (float, 0.001, 1024.0),
    "request_deadline": (float, 0.001, 3600.0),
    "max_redirects": (int, 0, 10),
    "breaker_failures": (int, 0, 1000),
    "breaker_window": (float, 0.001, 86_400.0),
    "breaker_cooldown": (float, 0.0, 86_400.0),
}


def _limit(value: Any, low: float, high: float) -> float | None:
    """A usable limit from the settings file, clamped to *high*; None (keep the default) when unusable.

    >>> _limit(25, 0, 10), _limit(0.5, 0.001, 10), _limit(-1, 0, 10), _limit("5", 0, 10), _limit(True, 0, 10)
    (10.0, 0.5, None, None, None)
    >>> _limit(float("nan"), 0, 10) is None
    True
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not value >= low:  # also NaN
        return None
    return float(min(value, high))


def save_settings(settings: Settings, paths: Paths | None = None) -> Path:
    """Write the user-visible settings back (atomically); unknown keys in the file are kept."""
    paths = paths or get_paths()
    raw = dict(settings.raw)
    raw["email"] = settings.email
    raw["download_pdfs"] = settings.download_pdfs
    raw["default_collection"] = settings.default_collection
    raw["library"] = settings.library
    # email/download_pdfs moved to the top level; the limits stay in [network] (hand-edited, kept).
    network = {k: v for k, v in (raw.pop("network", None) or {}).items() if k not in ("email", "download_pdfs")}
    if network:
        raw["network"] = network
    defaults = {name: default for name, (_, default) in SERVICE_URLS.items()}
    raw["urls"] = {k: v for k, v in settings.urls.items() if defaults.get(k) != v}
    with atomic_write(paths.settings_file) as handle:
        handle.write(_dump_toml(raw))
    return paths.settings_file


def _dump_toml(data: dict[str, Any]) -> str:
    """Tiny TOML writer for our flat settings (strings, bools, numbers, one level of tables)."""
    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return str(v)
        text = str(v).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{text}"'

    lines = [f"{k} = {value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    for k, v in data.items():
        if isinstance(v, dict):
            lines.append(f"\n[{k}]")
            lines.extend(f'"{ik}" = {value(iv)}' if not str(ik).isidentifier() else f"{ik} = {value(iv)}"
                         for ik, iv in v.items() if not isinstance(iv, dict))
    return "\n".join(lines) + "\n"
