"""senref.formats."""
