"""The admin's declarative configuration (config/*.yaml) and its mirror in the store."""
