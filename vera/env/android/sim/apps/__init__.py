"""SimDroid apps: one module per app (found by `vera.env.android.sim.registry`). See ../APPS.md."""
