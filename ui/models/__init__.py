"""Qt item models over service results: lazy, paged, holding only what was fetched."""
