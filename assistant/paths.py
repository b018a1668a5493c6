"""Where the project's bundled data lives (corpus, prompts, evals), relative to the checkout."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "corpus"
DOCUMENTS_DIR = CORPUS_DIR / "documents"
REQUIREMENTS_FILE = CORPUS_DIR / "requirements.yaml"
SCENES_FILE = CORPUS_DIR / "scenes.yaml"
BASIC_INFO_FILE = CORPUS_DIR / "basic_info.yaml"
SAMPLES_DIR = CORPUS_DIR / "samples"
PROMPTS_DIR = ROOT / "prompts"
EVALS_DIR = ROOT / "evals"
