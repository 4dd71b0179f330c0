"""`keras.tuning`: a learning-rate finder (LR range test).

Example:
>>> import neuronet as keras
>>> keras.tuning.find_learning_rate.__name__
'find_learning_rate'
"""
from neuronet.tuning.lr_finder import LearningRateFinderResult, find_learning_rate, suggest_learning_rate

__all__ = ["LearningRateFinderResult", "find_learning_rate", "suggest_learning_rate"]
