"""The rules of the quiz, in pure Python: no Flask, no SQLAlchemy, no clock, no global randomness."""
