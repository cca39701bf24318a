"""The `quizapp` command line: `main` (the click group) and one module per command group."""
