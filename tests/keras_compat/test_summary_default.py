"""`summary()` prints tf.keras 2's table by default: the one the chapter shows (Keras 3 draws a box instead)."""
import neuronet as keras

CHAPTER_TABLE = '''Model: "sequential"
_________________________________________________________________
Layer (type)                 Output Shape              Param #
=================================================================
flatten (Flatten)            (None, 784)               0
_________________________________________________________________
dense (Dense)                (None, 300)               235500
_________________________________________________________________
dense_1 (Dense)              (None, 100)               30100
_________________________________________________________________
dense_2 (Dense)              (None, 10)                1010
=================================================================
Total params: 266,610
Trainable params: 266,610
Non-trainable params: 0
_________________________________________________________________'''


def test_default_summary_is_the_chapters_tf_keras_2_table():
    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(300, activation="relu"), keras.layers.Dense(100, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(line.rstrip() for line in "\n".join(lines).splitlines())
    assert text == CHAPTER_TABLE
