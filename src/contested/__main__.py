"""`python -m contested` runs the same entry point as the `contested` script."""

from contested.cli import main

raise SystemExit(main())
