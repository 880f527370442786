"""What the tests and tools need and users don't: thin wrappers over single C rooms of
the core (:mod:`.ra`, :mod:`.handles`, :mod:`.pt`), reference models to hold them to
(:mod:`.ra_model`), and private variant builds of the C sources (:mod:`.variant`).

Nothing in the public package imports this one; it may import anything.
"""
