"""vera.vla."""
