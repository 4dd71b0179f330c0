"""The current edition's subclassed Wide & Deep model: Normalization layers created in the constructor.

The normalization layers are attributes of the model, so they are adapted through it (`model.norm_layer_wide.adapt`)
before training; `call()` is plain Python.

Run: python examples/subclassed_wide_and_deep_normalization.py                  (10 epochs, as in the book)
     NEURONET_FAST=1 python examples/subclassed_wide_and_deep_normalization.py   (2 epochs on 2,000 rows)
"""
from _common import epochs, load_housing_raw, summary

import neuronet as keras

keras.utils.set_random_seed(42)
X_train, X_valid, X_test, y_train, y_valid, y_test = load_housing_raw()
X_train_wide, X_train_deep = X_train[:, :5], X_train[:, 2:]
X_valid_wide, X_valid_deep = X_valid[:, :5], X_valid[:, 2:]
X_test_wide, X_test_deep = X_test[:, :5], X_test[:, 2:]
X_new_wide, X_new_deep = X_test_wide[:3], X_test_deep[:3]


class WideAndDeepModel(keras.Model):
    def __init__(self, units=30, activation="relu", **kwargs):
        super().__init__(**kwargs)  # needed to support naming the model
        self.norm_layer_wide = keras.layers.Normalization()
        self.norm_layer_deep = keras.layers.Normalization()
        self.hidden1 = keras.layers.Dense(units, activation=activation)
        self.hidden2 = keras.layers.Dense(units, activation=activation)
        self.main_output = keras.layers.Dense(1)
        self.aux_output = keras.layers.Dense(1)

    def call(self, inputs):
        input_wide, input_deep = inputs
        norm_wide = self.norm_layer_wide(input_wide)
        norm_deep = self.norm_layer_deep(input_deep)
        hidden1 = self.hidden1(norm_deep)
        hidden2 = self.hidden2(hidden1)
        concat = keras.layers.concatenate([norm_wide, hidden2])
        output = self.main_output(concat)
        aux_output = self.aux_output(hidden2)
        return output, aux_output


model = WideAndDeepModel(30, activation="relu", name="my_cool_model")
optimizer = keras.optimizers.Adam(learning_rate=1e-3)
model.compile(loss="mse", loss_weights=[0.9, 0.1], optimizer=optimizer, metrics=["RootMeanSquaredError"])
model.norm_layer_wide.adapt(X_train_wide)
model.norm_layer_deep.adapt(X_train_deep)
history = model.fit((X_train_wide, X_train_deep), (y_train, y_train), epochs=epochs(10, fast=2),
                    validation_data=((X_valid_wide, X_valid_deep), (y_valid, y_valid)))
eval_results = model.evaluate((X_test_wide, X_test_deep), (y_test, y_test))
weighted_sum_of_losses, main_loss, aux_loss, main_rmse, aux_rmse = eval_results
y_pred_main, y_pred_aux = model.predict((X_new_wide, X_new_deep))
model.summary()

print("main predictions:", y_pred_main.ravel().round(2), "actual:", y_test[:3].round(2))
print(f"test total loss: {weighted_sum_of_losses:.4f}, main MSE: {main_loss:.4f}, auxiliary MSE: {aux_loss:.4f}")
print(f"test main RMSE: {main_rmse:.4f}, auxiliary RMSE: {aux_rmse:.4f}")
summary(f"subclassed, Normalization, Adam, {len(history.epoch)} epochs: test main RMSE {main_rmse:.4f}, "
        f"auxiliary RMSE {aux_rmse:.4f}")
