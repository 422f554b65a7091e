"""fakewatch: find, trace and help debunk coordinated fake campaigns."""

__version__ = "0.1.0"
GENERATOR = f"fakewatch {__version__}"
