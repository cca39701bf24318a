"""Sub-commands of the `quizapp` CLI, one module per command group."""
