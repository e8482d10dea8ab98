"""codesign-tui: decide whether to consult, co-design or co-produce, and plan it."""

__version__ = "0.1.0"
