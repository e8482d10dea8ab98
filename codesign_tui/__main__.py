"""`python -m codesign_tui` runs the `codesign` command."""

from .cli import main

raise SystemExit(main())
