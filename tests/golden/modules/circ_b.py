from circ_a import thing
