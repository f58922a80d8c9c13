"""The main window's controllers: each owns one area of behaviour; `senref.gui.main_window` wires them together.

browse        what the item table shows (view, tag filter, search), refreshed after library changes
collections   the collection tree: the current view, the collections list, create / rename / delete
tags          the tag selector's contents and the tag tools (rename, delete, colour)
edit          item edits from the pane and collection membership; the edit rules the CLI will share
trash         Move to Trash / Restore (undoable) and Empty Trash
transfer      add, paste and drops, import, export, Copy Citation and Copy Bibliography
external      polling for writes by other processes (the CLI, a sync run)
jobs_status   the progress bar, job summaries, the jobs dock opening when a job needs reading
context_menus the right-click menus and View ▸ Columns

Controllers receive the window's collaborators (library, task runners, models, views, status bar) in their
constructors and never look them up through QApplication; a QWidget they receive is for parenting dialogs.
"""
