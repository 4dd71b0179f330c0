"""Activation layers with their own arguments or weights: ReLU, LeakyReLU, PReLU, Softmax."""
