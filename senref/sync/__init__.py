"""senref.sync."""
