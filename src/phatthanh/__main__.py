"""`python -m phatthanh` runs the CLI."""

import sys

from phatthanh.cli import main

sys.exit(main())
