import sys

from instruction.cli import main

sys.exit(main())
