"""Officials (SPEC 11): who served the citizen, their figures and the yearly ranking."""
