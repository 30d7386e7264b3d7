"""`python -m nn`: the `glassgrad` command line (see `nn.cli`)."""
import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
