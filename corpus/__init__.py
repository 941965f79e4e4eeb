"""Articles in: loaders, the SQLite catalogue and the passage chunker."""
