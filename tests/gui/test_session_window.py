"""The window opens its library through the session: the user's topic vocabulary tags what it saves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from senref.core.model import AUTOMATIC, Item
from senref.gui import app
from senref.paths import get_paths
from senref.session import Session

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"does not support propagateSizeHints")]


def test_the_window_tags_with_the_users_vocabulary(tmp_path: Path, qtbot: Any) -> None:
    paths = get_paths()
    paths.config.mkdir(parents=True, exist_ok=True)
    (paths.config / "topics.toml").write_text('[[topics]]\nname = "Zorbicin"\nterms = ["zorbicin"]\n', encoding="utf-8")
    window = app.open_window(tmp_path / "lib", demo=False, session=Session.start())
    qtbot.addWidget(window)
    try:
        key = window.library.save_item(Item(item_type="journalArticle",
                                            fields={"title": "Zorbicin clears senescent cells after radiotherapy"})).key
        assert "Zorbicin" in window.library.get_item(key).tag_names(AUTOMATIC)
    finally:
        window.close()
