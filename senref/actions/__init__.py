"""Use cases: one function per user operation, called by the CLI and the window alike.

Each action takes the library and the settings (plus what the user chose), reports progress as
`Progress` events through an optional callback, checks an optional `should_stop`, and returns a
typed report (a `Report` subclass). Nothing here imports Qt; nothing below here is called by a
front end directly.
"""
