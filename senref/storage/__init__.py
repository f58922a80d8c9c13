"""SQLite storage: connections, transactions, schema migrations and the per-library write lock."""
