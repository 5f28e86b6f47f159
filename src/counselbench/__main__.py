import sys

from counselbench.cli import main

sys.exit(main())
