"""Pure domain layer: value types, enums and rules. Standard library only."""
