"""Test helpers shared by the browser tests (a real JupyterLab server, driven by Playwright)."""
