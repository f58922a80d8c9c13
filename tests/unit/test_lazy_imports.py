"""Heavy modules the window may never need load when first used, not with the window's code (G11, issue 15)."""

from __future__ import annotations

import os
import subprocess
import sys

# hashlib (and hmac, secrets) load OpenSSL's libcrypto, ~3.5 MB resident: only where a file is hashed or a token made.
LATE = ("rapidfuzz", "concurrent.futures.process", "hashlib", "_hashlib", "hmac", "secrets")


def test_the_window_code_loads_without_the_late_modules() -> None:
    code = ("import sys, senref.gui.app, senref.core.library_writes\n"
            f"print([m for m in {LATE!r} if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_the_scorer_loads_rapidfuzz_on_first_use() -> None:
    code = ("import sys\nfrom senref.core import dupscore\nfrom senref.core.dupscore import Profile\n"
            "a = Profile(key='A', title='senescence after radiotherapy', families=['smith'])\n"
            "print('rapidfuzz' in sys.modules, dupscore.title_similarity(a, a), 'rapidfuzz' in sys.modules,\n"
            "      type(dupscore.fuzz).__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "1.0", "True", "module"], out.stdout + out.stderr
