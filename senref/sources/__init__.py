"""senref.sources."""
