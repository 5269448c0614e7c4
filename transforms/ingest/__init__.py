"""From inputs to article rows: HTML and feeds read, URLs made canonical, sources checked, copies found."""
