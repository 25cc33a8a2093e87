"""Server settings, database access and security primitives."""
