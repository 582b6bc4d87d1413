"""The whole-ledger proof: a running hash over every stored event in the ledger's global order.

Each budget's own chain (`ledger.aggregates.chain`) shows an edit inside that
budget, but not a budget's newest events removed, a rewrite whose hashes were
recomputed, or a whole budget deleted. The running hash covers every event the
store holds (budgets, reference claims, the key ring, checkpoints themselves), in
notification order, over the exact stored bytes: so an auditor who kept a
checkpoint (`position`, `hash`) can prove that nothing up to that position was
changed, and `rule` is short enough to recompute in any language.

- `rule`: the hashing rule (documented in the README).
- `checkpointing`: seal fingerprints and make a checkpoint.
- `verification`: walk the store once, checking the running hash, the sealed
  fingerprints, every budget's chain and every reference claim.
"""
