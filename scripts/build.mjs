// Placeholder until the bundle build lands: nothing to build for source runs.
