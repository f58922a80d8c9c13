"""Qt item models over the library's indexed queries (no widgets here)."""
