"""Zotero interop: Web API JSON mapping, client, account and two-way sync with Zotero libraries."""
