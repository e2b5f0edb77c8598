"""Videos: uploads (tus and multipart), processing into renditions, playback and browsing."""
