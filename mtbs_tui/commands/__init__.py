"""Bodies of the `mtbs` subcommands. Each module imports its heavy libraries inside its functions."""
