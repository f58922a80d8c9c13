"""senref.core."""
