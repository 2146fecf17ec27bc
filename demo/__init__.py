"""The demo: ``manage.py seed_demo`` and everything it loads, in the highest app so that it may use every
domain app's services while no domain app keeps demo data (DESIGN.md, layer 8).

Layout, one module per domain app in each layer, so a later app adds its part of the demo beside them:

- ``pools/``    hand-written content: achievement titles and summaries, demands, services, message texts.
- ``specs/``    pure and deterministic specifications built from the pools (no database, no clock): which
                organisations, logins, achievements, listings, demands, inquiries, deals and contracts exist,
                with their parties, amounts, outcomes and dates in the reference calendar of ``dates``.
- ``loaders/``  write the specifications through the domain apps' services, each record keyed so that a
                second run creates nothing and changes nothing, audited as ``source=seed_demo``.
- ``dates.py``  the demo calendar: history on fixed dates, the recent part of the demo moved with today.
- ``management/commands/seed_demo.py``  runs the loaders in order and ranks the matches.
"""
