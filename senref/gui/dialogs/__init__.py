"""Dialogs: add by identifier, settings, about, and the error box."""
