"""One module per `motia` subcommand; each exposes `register(subparsers)`."""
