from blamecheck.surfaces.cli import main

main()
