"""The demo project: documents and spans written for Tawsim (not copied from anywhere)."""
