"""senref.topics."""
