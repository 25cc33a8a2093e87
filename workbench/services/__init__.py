"""Use cases: the only API the UI and the CLI call. They own transactions and the write path."""
