"""The knowledge base: load documents, chunk them by their outline, index (BM25 + dense), retrieve, map."""
