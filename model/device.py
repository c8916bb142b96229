"""Pick the torch device: `auto` takes CUDA, then Apple's MPS, then the CPU."""
from __future__ import annotations

import torch

from actorstance.errors import ConfigError

DEVICES = ("auto", "cpu", "cuda", "mps")


def resolve_device(device: str = "auto") -> torch.device:
    name = device.split(":")[0]
    if name not in DEVICES:
        raise ConfigError(f"unknown device '{device}': use one of {', '.join(DEVICES)}")
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ConfigError("--device cuda was asked for, but torch sees no CUDA GPU here")
    if name == "mps" and not torch.backends.mps.is_available():
        raise ConfigError("--device mps was asked for, but MPS is not available here")
    return torch.device(device)
