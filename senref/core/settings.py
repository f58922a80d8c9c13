"""User settings: a TOML file in the config folder (edited in place by tomlkit), overridden by SENREF_* variables."""

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
    "openalex": ("SENREF_OPENALEX_URL", "https://api.openalex.org"),
    "biorxiv": ("SENREF_BIORXIV_URL", "https://api.biorxiv.org"),
    "europepmc": ("SENREF_EUROPEPMC_URL", "https://www.ebi.ac.uk/europepmc/webservices/rest"),
    "clinicaltrials": ("SENREF_CLINICALTRIALS_URL", "https://clinicaltrials.gov/api/v2"),
    "zotero_api": ("SENREF_ZOTERO_API_URL", "https://api.zotero.org"),
    "zotero_local": ("SENREF_ZOTERO_LOCAL_URL", "http://127.0.0.1:23119"),
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
    #: [cite]: the bibliography style (an official style id or a .csl path), the styles chosen before
    #: it (newest first, for the window's menu), and the locale for styles that set none ("" = en-US).
    cite_style: str = "apa"
    cite_recent: list[str] = field(default_factory=list)
    cite_locale: str = ""
    #: [view] show_subcollection_items: a collection's table and its Export include its subcollections'
    #: items (Zotero's View > "Show Items from Subcollections", off by default).
    show_subcollection_items: bool = False
    #: [zotero] sync_minutes: the window syncs with the connected Zotero library this often (0: by hand only).
    zotero_sync_minutes: int = 0
    #: [integrity] check_days: the window checks the library for retractions this often (0: when asked only).
    integrity_check_days: int = 0
    #: [watches] run_days: the window runs the saved watches (new papers to the Inbox) this often (0: when asked only).
    watch_run_days: int = 0
    raw: dict[str, Any] = field(default_factory=dict)
    #: The file these settings were read from; save_settings writes back there.
    file: Path | None = field(default=None, repr=False, compare=False)
    #: The editable values as loaded, so saving writes only what the user changed.
    baseline: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def url(self, service: str) -> str:
        return self.urls[service].rstrip("/")


def load_settings(paths: Paths | None = None, env: dict[str, str] | None = None) -> Settings:
    """Read settings.toml (missing or unreadable file = defaults), then apply environment overrides."""
    paths = paths or get_paths(env)
    raw: dict[str, Any] = {}
    try:
        raw = tomllib.loads(paths.settings_file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        raw = {}
    settings = settings_from(raw, env)
    settings.file = paths.settings_file
    settings.baseline = _snapshot(settings)
    return settings


def settings_from(raw: dict[str, Any], env: dict[str, str] | None = None) -> Settings:
    """Settings from the parsed TOML *raw*, then the SENREF_* overrides in *env* (default: the environment)."""
    env = dict(os.environ) if env is None else env
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
    cite: dict[str, Any] = raw["cite"] if isinstance(raw.get("cite"), dict) else {}
    if isinstance(cite.get("style"), str) and cite["style"].strip():
        settings.cite_style = cite["style"].strip()
    if isinstance(cite.get("recent"), list):
        settings.cite_recent = [str(s).strip() for s in cite["recent"] if isinstance(s, str) and s.strip()]
    if isinstance(cite.get("locale"), str):
        settings.cite_locale = cite["locale"].strip()
    view: dict[str, Any] = raw["view"] if isinstance(raw.get("view"), dict) else {}
    if isinstance(view.get("show_subcollection_items"), bool):
        settings.show_subcollection_items = view["show_subcollection_items"]
    integrity: dict[str, Any] = raw["integrity"] if isinstance(raw.get("integrity"), dict) else {}
    days = _limit(integrity.get("check_days"), 0, 365)
    if days is not None:
        settings.integrity_check_days = int(days)
    watches: dict[str, Any] = raw["watches"] if isinstance(raw.get("watches"), dict) else {}
    days = _limit(watches.get("run_days"), 0, 365)
    if days is not None:
        settings.watch_run_days = int(days)
    zotero: dict[str, Any] = raw["zotero"] if isinstance(raw.get("zotero"), dict) else {}
    minutes = _limit(zotero.get("sync_minutes"), 0, 10_080)
    if minutes is not None:
        settings.zotero_sync_minutes = int(minutes)
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


#: The user-visible settings the window edits and save_settings writes back (the rest is hand-edited).
EDITABLE = ("email", "download_pdfs", "default_collection", "library")
#: Settings attribute -> key of the [cite] table; the window writes them back too.
CITE_KEYS = {"cite_style": "style", "cite_recent": "recent", "cite_locale": "locale"}
#: Settings attribute -> key of the [view] table (the window's View menu).
VIEW_KEYS = {"show_subcollection_items": "show_subcollection_items"}
#: Settings attribute -> key of the [zotero] table.
ZOTERO_KEYS = {"zotero_sync_minutes": "sync_minutes"}
#: Settings attribute -> key of the [integrity] table.
INTEGRITY_KEYS = {"integrity_check_days": "check_days"}
#: Settings attribute -> key of the [watches] table.
WATCH_KEYS = {"watch_run_days": "run_days"}


def save_settings(settings: Settings, paths: Paths | None = None) -> Path:
    """Write back what changed since the settings were loaded, keeping everything else in the file as it is.

    tomlkit edits the user's document in place: comments, order, lists and nested tables stay
    byte for byte; only a changed value is rewritten. Values the environment supplied (SENREF_EMAIL,
    service URLs for tests) are not copied into the file unless the user changed them.
    """
    import tomlkit  # only a save needs it: start-up reads with tomllib (12 ms saved on every start)
    from tomlkit.exceptions import TOMLKitError

    target = paths.settings_file if paths is not None else settings.file or get_paths().settings_file
    try:
        # Bytes, not read_text: newline translation would turn a user's CRLF file into LF.
        document = tomlkit.parse(target.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        document = tomlkit.document()
    except (OSError, UnicodeDecodeError, TOMLKitError):
        # Unreadable, so it was ignored on load; start over from what was understood of it.
        document = tomlkit.document()
        document.update(settings.raw)
    baseline = settings.baseline or _file_values(document.unwrap())
    network = document.get("network")
    for name in EDITABLE:
        value = getattr(settings, name)
        if baseline.get(name) == value:
            continue
        # email and download_pdfs may sit in [network] too (read first, see settings_from): change every copy.
        in_network = False
        if name in ("email", "download_pdfs") and isinstance(network, dict) and name in network:
            network[name] = value
            in_network = True
        if name in document or not in_network:
            document[name] = value
    for name, key in CITE_KEYS.items():
        if baseline.get(name) != getattr(settings, name):
            if not isinstance(document.get("cite"), dict):
                document["cite"] = tomlkit.table()
            document["cite"][key] = getattr(settings, name)
    for table, keys in (("view", VIEW_KEYS), ("zotero", ZOTERO_KEYS), ("integrity", INTEGRITY_KEYS),
                        ("watches", WATCH_KEYS)):
        for name, key in keys.items():
            if baseline.get(name) != getattr(settings, name):
                if table in document and not isinstance(document[table], dict):
                    continue  # the user's own value of that name: never replaced by a table of ours
                if not isinstance(document.get(table), dict):
                    document[table] = tomlkit.table()
                document[table][key] = getattr(settings, name)
    defaults = {name: default for name, (_, default) in SERVICE_URLS.items()}
    old_urls: dict[str, str] = baseline.get("urls") or {}
    for name, url in settings.urls.items():
        if old_urls.get(name, defaults.get(name)) == url:
            continue
        urls = document.get("urls")
        if url == defaults.get(name):
            if isinstance(urls, dict) and name in urls:
                del urls[name]
                if not urls:
                    del document["urls"]
            continue
        if not isinstance(urls, dict):
            document["urls"] = tomlkit.table()
            urls = document["urls"]
        urls[name] = url
    with atomic_write(target, newline="") as handle:
        handle.write(tomlkit.dumps(document))
    settings.raw = document.unwrap()
    settings.baseline = _snapshot(settings)
    settings.file = target
    return target


def _snapshot(settings: Settings) -> dict[str, Any]:
    """The editable values as they are now: what save_settings compares against to find changes."""
    values: dict[str, Any] = {name: getattr(settings, name) for name in EDITABLE}
    values["urls"] = dict(settings.urls)
    values.update({name: getattr(settings, name) for name in (*CITE_KEYS, *VIEW_KEYS, *ZOTERO_KEYS, *INTEGRITY_KEYS, *WATCH_KEYS)})
    values["cite_recent"] = list(settings.cite_recent)  # a copy: the window edits the list in place
    return values


def _file_values(raw: dict[str, Any]) -> dict[str, Any]:
    """The editable values as the file alone gives them (for settings not made by load_settings)."""
    return _snapshot(settings_from(raw, env={}))
