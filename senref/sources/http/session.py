"""The `requests` session every request goes through, and the configuration the environment adds to it."""

from __future__ import annotations

import os
from pathlib import Path

import requests

from senref import __version__
from senref.core.settings import Settings
from senref.sources import netguard

#: Never more hops than this, whatever the settings say.
MAX_REDIRECTS = 10


def user_agent(settings: Settings) -> str:
    """Descriptive User-Agent; the contact address puts us in Crossref's polite pool."""
    contact = f"; mailto:{settings.email}" if settings.email else ""
    return f"senref/{__version__} (reference manager for therapy-induced senescence research{contact})"


def make_session(settings: Settings) -> requests.Session:
    """The session factory: headers every request carries, and the guarded transport.

    `trust_env` is off, so `.netrc` credentials are never sent as Basic auth to whatever host asks
    (CVE-2024-47081 and the like); the proxy and CA-bundle settings of the environment, which are
    configuration rather than credentials, are applied per request by HttpClient instead. Redirects
    and retries are ours (see HttpClient): each hop is checked, Retry-After is honoured with a cap,
    and waits can be interrupted.
    """
    session = requests.Session()
    session.trust_env = False
    session.headers["User-Agent"] = user_agent(settings)
    session.headers["Accept-Encoding"] = "gzip, deflate"
    session.max_redirects = MAX_REDIRECTS  # requests looks at it even with allow_redirects=False
    adapter = netguard.GuardedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def environment_proxy(url: str) -> str | None:
    """The proxy HTTP(S)_PROXY / ALL_PROXY name for *url*, None when NO_PROXY exempts it or none is set."""
    return requests.utils.select_proxy(url, requests.utils.get_environ_proxies(url, no_proxy=None))


def environment_ca_bundle() -> str | bool:
    """The CA bundle the environment names (as requests would read it), else True: verification stays on.

    A name that is not there is passed over (requests would raise a bare OSError for every request).
    """
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        path = os.environ.get(name)
        if path and Path(path).exists():
            return path
    return True

