"""Learned template lines, one JSON file per source (see crawler/extract/template_lines.py).

Written by `dozor learn-template-lines --source ID` from the source's archived pages and
reviewed by their git diff; extraction reads `<source_id>.json` when it is here.
"""
