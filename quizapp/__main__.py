from quizapp.cli.main import main

main()
