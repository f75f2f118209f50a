"""``python -m autocy``: the command line (see :func:`autocy.cli.main`)."""

import sys

from autocy.cli import main

sys.exit(main())
