"""``python -m dxgk``: runs the command line (:mod:`dxgk.cli`) and exits with its status."""

import sys

from .cli import main

sys.exit(main())
