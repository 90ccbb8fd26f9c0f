"""vera.skills."""
