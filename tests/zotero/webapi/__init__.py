"""The rules of the in-memory Zotero Web API double (served by tests/zotero/webapi_server.py)."""
