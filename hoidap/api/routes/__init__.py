"""One router per resource; routes stay thin and call into hoidap.qa, hoidap.records and the library."""
