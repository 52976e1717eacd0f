from blamecheck.cli import main

main()
