"""The shop's API credentials: what they are, where they are kept, the profiles' config file."""
