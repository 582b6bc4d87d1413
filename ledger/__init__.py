"""The individual budget ledger: domain (`aggregates`), application service, read side (`projections`)."""
