"""vera.train."""
