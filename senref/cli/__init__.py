"""senref.cli."""
