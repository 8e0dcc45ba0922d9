"""Answers through langchain (the bundled GGUF served by xllamacpp, or an OpenAI-compatible endpoint),
verified against the index. Nothing is imported here: langchain_openai loads only when a backend is used."""
