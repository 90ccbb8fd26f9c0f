"""vera.env."""
