"""mtbs_tui: register MTBS/MTBM elektronik untuk puskesmas."""
__version__ = "0.1.0"
