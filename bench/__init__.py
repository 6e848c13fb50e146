"""The fan-out benchmark (`make bench`): the product against a bare websockets relay, and the
database's committed-write rate. See docs/performance.md for the figures and how to read them."""
