"""The customer screens: profile, preferences, timeline, calls, hand-offs and merging."""
