"""Load benchmark of the catalog API against PostgreSQL and Redis: `python -m bench --help`.

Figures and how they were made go to docs/PERFORMANCE.md.
"""
