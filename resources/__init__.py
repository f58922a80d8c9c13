"""Bundled data: the TIS topic vocabulary, the demo library, icons (read with importlib.resources)."""
