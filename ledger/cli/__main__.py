"""`python -m ledger.cli`: the `ledger` command without its installed script."""

from ledger.cli import main

main()
