"""The network of the MNIST notebooks: the original recipe's `SimpleNN`, 784 -> 128 ReLU -> 10."""

from __future__ import annotations

import torch
import torch.nn as nn


class SimpleNN(nn.Module):
    """A one-hidden-layer network: 784 pixels -> 128 ReLU units -> 10 scores (one per digit)."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(28*28, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = x.view(-1, 28*28)  # (n, 1, 28, 28) -> (n, 784)
        x = torch.relu(self.fc1(x))  # (n, 128)
        x = self.fc2(x)  # (n, 10): raw scores ("logits"), no softmax
        return x
