"""Offline, dated catalogs (data files) and the thin modules that read them."""
