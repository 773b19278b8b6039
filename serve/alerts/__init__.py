"""Saved searches and their alerts: new matches after each collection, spikes per topic x region.

- `saved.py`: the saved_searches table (create, list, remove) and its validation;
- `find.py`: what is new for a saved search, one item per story, and spikes over a baseline;
- `deliver.py`: e-mail over SMTP and Slack-compatible webhooks, in the search's language;
- `run.py`: one pass over every active saved search (after each collection, `dozor alerts run`);
- `routes.py`: the HTTP routes that list, save and delete them from the web page.
"""
