"""senref.gui."""
