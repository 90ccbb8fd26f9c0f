"""vera.env.android.sim."""
