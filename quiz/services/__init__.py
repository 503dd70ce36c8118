"""Use cases: the only code that commits. They take the acting user and `now` explicitly."""
