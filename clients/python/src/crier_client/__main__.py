from crier_client.cli import main

main()
