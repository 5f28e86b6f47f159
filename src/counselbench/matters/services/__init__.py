"""Matters services, one module per kind of thing: matters (clients, matters, parties, consent,
screens), tasks (assignment with the UPL guard, transitions, reviews), grants, documents,
conflicts and alerts."""
