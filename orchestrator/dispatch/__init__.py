"""The agent dispatcher: keeps N coding agents busy on claimed workstreams and supervises them."""
