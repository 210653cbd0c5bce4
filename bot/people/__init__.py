"""People in the paddock: the directory, F1DB facts, teams, and resolving typed names."""
