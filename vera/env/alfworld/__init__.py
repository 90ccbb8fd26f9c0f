"""vera.env.alfworld."""
