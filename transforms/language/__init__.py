"""From article text to per-article rows: the parse, dates, actors, quotes and deals."""
