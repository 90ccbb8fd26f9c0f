"""vera.env.android."""
