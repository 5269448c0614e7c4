"""Pure functions: text and rows in, rows out. No Prefect, no network, no files."""
