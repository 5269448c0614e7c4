"""From per-article rows to a release: resolved across articles, tabled, checked and described."""
