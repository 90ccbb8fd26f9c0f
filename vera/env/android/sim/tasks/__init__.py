"""SimDroid tasks: one module per app or theme (found by `vera.env.android.sim.registry`). See ../APPS.md."""
