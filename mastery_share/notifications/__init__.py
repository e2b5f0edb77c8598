"""What happened that concerns a member: notifications in the app, and their mail choices."""
