"""Views and panes of the main window."""
