"""Questions in, cited answers out: the answer logic and the faces that show it."""
