"""``python -m generator`` runs the ``mlenv`` command line."""

import sys

from .cli import main

sys.exit(main())
