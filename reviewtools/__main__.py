import sys

from reviewtools.cli import main

sys.exit(main())
