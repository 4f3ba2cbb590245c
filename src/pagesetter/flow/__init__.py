"""Make-up: composed lines go into the columns and cells of the page grid; overset is measured."""
