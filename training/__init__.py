"""Fine-tuning and cross-validation."""
from .config import TrainConfig
from .cross_validate import CrossValidation, cross_validate
from .fine_tune import fine_tune

__all__ = ["CrossValidation", "TrainConfig", "cross_validate", "fine_tune"]
