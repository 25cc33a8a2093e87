"""Small reusable widgets shared by pages and dialogs."""
