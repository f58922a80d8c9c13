"""The topic tags' names for the tag selector, without compiling the topic tagger.

`senref.topics.tagger.topic_names` compiles a library's deferred tagger to read its names: ~0.1 s of
Python holding the interpreter lock in a background read while the window paints its first rows, for
a tagger the window may never use. The names are the vocabulary's own, read here the way `get_tagger`
reads them (the user's file, or the built-in vocabulary when that file has errors).
"""

from __future__ import annotations

import threading

from senref.topics.deferred import DeferredTagger
from senref.topics.tagger import topic_names
from senref.topics.vocabulary import load_vocabulary, user_file

_lock = threading.Lock()
#: (user file, its mtime) -> the names: a refresh after each change must not re-read the vocabulary
_cache: dict[tuple[str, int | None], frozenset[str]] = {}


def selector_topic_names(tagger: object | None) -> frozenset[str]:
    """What `topic_names(tagger)` answers, without compiling a deferred tagger."""
    if not isinstance(tagger, DeferredTagger):
        return topic_names(tagger)
    path = user_file(tagger.paths)
    try:
        stamp: int | None = path.stat().st_mtime_ns
    except OSError:
        stamp = None
    key = (str(path), stamp)
    with _lock:
        names = _cache.get(key)
        if names is None:
            vocabulary = load_vocabulary(tagger.paths, include_user=True)
            if vocabulary.errors:
                vocabulary = load_vocabulary(include_user=False)
            names = frozenset(topic.name for topic in vocabulary.topics)
            _cache.clear()
            _cache[key] = names
    return names
