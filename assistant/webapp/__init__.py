"""Helpers for the Gradio app (app.py): what the pages show, and who may reach them."""
