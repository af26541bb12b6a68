"""Small fake servers on 127.0.0.1 that speak the real protocol of an external service.

Tests run our real clients against them (never mocks of our own code) and read what each fake
recorded. One module per service; each fake is a context manager that starts a thread and
exposes ``url``.
"""
