"""One module per `tt-ws` command; each is a thin typer function that calls the library."""
