"""The stance model: input template, classifier, saved-folder format."""
from .classifier import StanceClassifier
from .template import InputTemplate

__all__ = ["InputTemplate", "StanceClassifier"]
