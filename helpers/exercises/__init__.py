"""Checked exercises, one module per notebook topic; the framework is in `core`."""
