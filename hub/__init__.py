"""A local JupyterHub for trying the course as a class would meet it (see docs/hub.md)."""
