"""Passages to vectors to a FAISS index, and questions to ranked hits."""
