"""The domain: the Budget aggregate, its events and its rules. No HTTP, no SQL."""
