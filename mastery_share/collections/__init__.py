"""Collections: ordered bundles of video clips, with notes and prompts, for PLC meetings."""
