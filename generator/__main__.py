"""``python -m generator`` runs the ``mlenv`` command line."""

import sys

from generator.cli import main

sys.exit(main())
