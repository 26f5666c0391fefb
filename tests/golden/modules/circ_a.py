import circ_b
thing = 1
