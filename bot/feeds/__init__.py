"""News feeds: fetching safely, reading RSS and Atom, polling, and telling copies apart."""
