"""The Perceptron on iris ("is it Iris setosa?"), then XOR: the Perceptron fails, a small MLP learns it.

The first half is the book's code with `neuronet.perceptron.Perceptron` in place of scikit-learn's (same
parameters, same weights); the iris data comes with scikit-learn, so nothing is downloaded.

Run: python examples/perceptron_iris.py
"""
import numpy as np

from _common import summary
from sklearn.datasets import load_iris

import neuronet as keras
from neuronet.perceptron import Perceptron

# -- A single TLU learns a linearly separable problem ----------------------------------------------------------------
iris = load_iris()
X = iris.data[:, (2, 3)]  # petal length, petal width
y = (iris.target == 0)  # Iris setosa

per_clf = Perceptron(random_state=42)  # fixed seed: the instance order (shuffle=True) changes the final line
per_clf.fit(X, y)

X_new = [[2, 0.5], [3, 1]]
y_pred = per_clf.predict(X_new)  # predicts True and False for these 2 flowers
print("Iris setosa?", y_pred)
print(f"Training accuracy: {per_clf.score(X, y):.0%} after {per_clf.n_iter_} epochs "
      f"(w = {per_clf.coef_.ravel()}, b = {per_clf.intercept_[0]})")

# -- XOR is not linearly separable: no TLU can get all four points right ----------------------------------------------
X_xor = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
y_xor = np.array([0, 1, 1, 0])

per_xor = Perceptron(max_iter=100, tol=None).fit(X_xor, y_xor)
print(f"Perceptron on XOR: accuracy {per_xor.score(X_xor, y_xor):.0%}, predictions {per_xor.predict(X_xor)}")

# -- Stack TLU-like units with smooth activations and train with backprop: a small MLP learns XOR ---------------------
keras.utils.set_random_seed(42)
model = keras.models.Sequential([
    keras.layers.Dense(8, activation="tanh", input_shape=[2]),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(learning_rate=0.05))
model.fit(X_xor, y_xor, epochs=300, verbose=0)
y_mlp = (model.predict(X_xor, verbose=0) > 0.5).astype(int).ravel()
print(f"MLP on XOR: accuracy {np.mean(y_mlp == y_xor):.0%}, predictions {y_mlp}")
summary(f"`Iris setosa? {y_pred}`; training accuracy {per_clf.score(X, y):.0%} after {per_clf.n_iter_} epochs; "
        f"Perceptron on XOR: accuracy {per_xor.score(X_xor, y_xor):.0%}; MLP on XOR: accuracy {np.mean(y_mlp == y_xor):.0%}, "
        f"predictions {y_mlp}")
