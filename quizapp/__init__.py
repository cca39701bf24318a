"""quizapp: a terminal study tool for medical education."""

__version__ = "0.1.0"
