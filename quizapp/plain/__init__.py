"""The line-based front end: study and quiz blocks over pipes, ssh and screen readers."""
