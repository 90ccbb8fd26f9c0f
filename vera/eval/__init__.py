"""vera.eval."""
