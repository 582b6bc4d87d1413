"""Running the ledger under faults: contention, outages, several processes, backups.

Nothing here is a rule of the domain; these modules keep the ledger answering
while the world around it misbehaves (a busy budget, a database that is away,
processes that start together or die) and let operators watch it do so.
"""
