"""Keep exported files current: sync targets, incremental atomic exports, manifests, two-way merge (no Qt)."""
