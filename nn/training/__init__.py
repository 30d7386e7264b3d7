"""Training toolkit behind the `glassgrad` command line: data sets by name, models from
settings, the training loop with best/last checkpoints and exact resume, evaluation
reports, sweeps and benchmarks.

    from nn.training import fit
    summary = fit({"dataset": "moons", "epochs": 5}, "runs/moons")
"""
from .checkpoint import (CheckpointFormatError, load_checkpoint, rebuild_model,
                         resolve_checkpoint, save_checkpoint)
from .data import DATASETS, TOY_DATASETS, DataError, DataSplits, load_data, standardize
from .metrics import confusion_matrix, per_class_accuracy, read_metrics, write_metrics
from .models import (ACTIVATIONS, MODELS, ArchitectureError, architecture, build_model,
                     first_weight_layer, weight_layers)
from .trainer import (DEFAULTS, OPTIMIZERS, SCHEDULERS, TrainingError, data_for_config,
                      evaluate, fit, make_config, make_optimizer, make_scheduler,
                      predict_arrays, train_epoch)
from .report import collect_activations, evaluation_report, write_training_plots

__all__ = ["fit", "make_config", "make_optimizer", "make_scheduler", "train_epoch",
           "evaluate", "predict_arrays", "data_for_config", "DEFAULTS", "OPTIMIZERS",
           "SCHEDULERS", "TrainingError", "load_data", "standardize", "DataSplits",
           "DataError", "DATASETS", "TOY_DATASETS", "build_model", "architecture",
           "first_weight_layer", "weight_layers", "ACTIVATIONS", "MODELS",
           "ArchitectureError", "save_checkpoint", "load_checkpoint", "rebuild_model",
           "resolve_checkpoint", "CheckpointFormatError", "confusion_matrix",
           "per_class_accuracy", "read_metrics", "write_metrics", "collect_activations",
           "evaluation_report", "write_training_plots"]
