"""A stand-in for google-research/android_world, for vera's bridge tests only.

It follows AndroidWorld's documented interface (module names, class names, fields, signatures and the
call order of its runner) closely enough for vera's bridge to be exercised end to end without an
emulator; its tasks wrap SimDroid tasks. It is not AndroidWorld and ships with no vera package.
"""
