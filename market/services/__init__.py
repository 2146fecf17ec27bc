"""Writes of the market, one module per sub-domain: ``listings`` (listings, publicity, objections),
``demands``, ``deals`` (inquiries, messages, deals, brokers) and ``contracts`` (registration,
disclosure, certified income). Each state change is one atomic, permission-checked function."""
