"""Write the toolkit notebooks 01-05 with nbformat (outputs empty; tests execute them).

    python notebooks/make_toolkit_notebooks.py

Each notebook is short and runs in seconds: small data, few epochs. Edit the cells here and
re-run the script rather than editing the .ipynb files by hand.
"""
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent


def md(text):
    return new_markdown_cell(text.strip("\n"))


def code(text):
    return new_code_cell(text.strip("\n"))


SCALAR = [
    md("""
# 01 · The scalar engine

`autograd.Scalar` is one Python float that remembers how it was computed (micrograd's `Value`).
Calling `backward()` walks the recorded graph backwards and fills `.grad` on every node with
the derivative of the output with respect to that node: the chain rule, one node at a time.
"""),
    code("""
import math
import autograd
from autograd import Scalar
from nn import plots
autograd.manual_seed(0)
"""),
    md("""
## A neuron by hand
`o = tanh(x1*w1 + x2*w2 + b)`. After `o.backward()`, `w1.grad` is `do/dw1`.
"""),
    code("""
x1, x2 = Scalar(2.0, label="x1"), Scalar(0.0, label="x2")
w1, w2 = Scalar(-3.0, label="w1"), Scalar(1.0, label="w2")
b = Scalar(6.8813735870195432, label="b")
n = x1 * w1 + x2 * w2 + b
o = n.tanh()
o.backward()
for s in (x1, w1, x2, w2, b):
    print(f"{s.label}: value {s.data:+.4f}  grad {s.grad:+.4f}")
"""),
    md("""
## Backprop by hand
The chain rule, one node at a time from the output back: `do/do = 1`; `o = tanh(n)` gives
`do/dn = 1 - o**2`; `n = x1*w1 + x2*w2 + b` passes `do/dn` unchanged to each term and to `b`;
a product `x1*w1` sends `do/dn * w1` to `x1` and `do/dn * x1` to `w1`. Those numbers are
what `backward()` wrote into `.grad`.
"""),
    code("""
do_dn = 1 - o.data ** 2
by_hand = {"x1": do_dn * w1.data, "w1": do_dn * x1.data, "x2": do_dn * w2.data,
           "w2": do_dn * x2.data, "b": do_dn}
for s in (x1, w1, x2, w2, b):
    print(f"{s.label}: by hand {by_hand[s.label]:+.6f}  backward() {s.grad:+.6f}")
    assert abs(by_hand[s.label] - s.grad) < 1e-12
"""),
    md("""
## Check against a finite difference
`(f(w1 + h) - f(w1 - h)) / 2h` should match `w1.grad` to many digits.
"""),
    code("""
def f(w):
    return math.tanh(2.0 * w + 0.0 * 1.0 + 6.8813735870195432)

h = 1e-6
numeric = (f(-3.0 + h) - f(-3.0 - h)) / (2 * h)
print(f"numeric {numeric:.8f}  backward {w1.grad:.8f}")
assert abs(numeric - w1.grad) < 1e-6
"""),
    md("""
## The graph
`autograd.viz.draw` shows each value with its gradient (skipped if no Graphviz renderer is
installed; `graphviz-pure`, a glassgrad dependency, normally provides one).
"""),
    code("""
import autograd.viz as viz
try:
    viz.find_renderer()
    graph = viz.draw(o)
except viz.RendererNotFoundError as exc:
    graph = None
    print(exc)
graph
"""),
    md("""
## Training a scalar MLP
`nn.scalar_nn.MLP` is built from Scalars. Four points, a 3-4-4-1 network, squared error,
plain gradient descent: the loss falls towards zero.
"""),
    code("""
from nn.scalar_nn import MLP
xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
ys = [1.0, -1.0, -1.0, 1.0]
model = MLP(3, [4, 4, 1])
losses = []
for step in range(40):
    preds = [model(x) for x in xs]
    loss = sum((p - y) ** 2 for p, y in zip(preds, ys))
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        p.data -= 0.02 * p.grad
    losses.append(loss.data)
print(f"loss {losses[0]:.3f} -> {losses[-1]:.4f}")
print("predictions", [round(model(x).data, 3) for x in xs])
assert losses[-1] < losses[0] / 5
"""),
    code("""
history = [{"epoch": i + 1, "train_loss": l, "val_loss": None} for i, l in enumerate(losses)]
plots.show(plots.plot_loss(history, title="scalar MLP, squared error"))
"""),
    md("""
## A 2-16-16-1 scalar MLP on two moons
micrograd's demo: 100 points of `nn.datasets.moons`, labels turned into -1 and +1, and the
SVM max-margin loss `mean(relu(1 - y * score))` plus an L2 penalty `1e-4 * sum(w**2)`.
Each step takes 16 random points (a minibatch: the whole set each step would take a
minute of pure-Python arithmetic), backpropagates through about 10,000 Scalar nodes and
moves every weight by hand with a learning rate that decays from 1.0 to 0.1.
"""),
    code("""
from nn.datasets import moons
autograd.manual_seed(0)
X, y = moons(100, noise=0.1)
targets = (y * 2 - 1).tolist()                 # class 0 -> -1, class 1 -> +1
model = MLP(2, [16, 16, 1])
print(f"{len(model.parameters())} parameters, each a Scalar")

def margin_loss(rows):
    scores = [model(X[i]) for i in rows]
    data_loss = sum((1 + -targets[i] * s).relu() for i, s in zip(rows, scores)) * (1 / len(rows))
    return data_loss + 1e-4 * sum(p * p for p in model.parameters())

steps = 40
for step in range(steps):
    loss = margin_loss(autograd.randperm(len(targets))[:16].tolist())
    model.zero_grad()
    loss.backward()
    lr = 1.0 - 0.9 * step / steps
    for p in model.parameters():
        p.data -= lr * p.grad
    if step % 10 == 0 or step == steps - 1:
        print(f"step {step:2d}  minibatch loss {loss.data:.4f}")

with autograd.no_grad():                       # scores only: no graph to record
    final_scores = [model(X[i]).data for i in range(len(targets))]
moons_accuracy = sum((s > 0) == (t > 0) for s, t in zip(final_scores, targets)) / len(targets)
print(f"moons: accuracy {moons_accuracy:.2f} on all {len(targets)} points")
assert moons_accuracy > 0.9
"""),
    md("""
## The decision boundary
The trained weights are plain numbers: read them into one NumPy matrix per layer and the
same network scores a 200 x 200 grid at once (40,000 points through the Scalar graph would
take a while). The two give the same scores on the training points.
"""),
    code("""
import numpy as np

def numpy_scores(model, points):
    h = np.asarray(points, dtype=np.float64)
    for layer in model.layers:
        W = np.array([[w.data for w in n.w] for n in layer.neurons])
        b = np.array([n.b.data for n in layer.neurons])
        h = h @ W.T + b
        if layer.neurons[0].nonlin:
            h = np.maximum(h, 0.0)
    return h[:, 0]

assert np.allclose(numpy_scores(model, X.numpy()), final_scores, atol=1e-5)
plots.show(plots.plot_decision_boundary(
    lambda points: np.stack([-numpy_scores(model, points), numpy_scores(model, points)], 1),
    X.numpy(), y.numpy(), title=f"2-16-16-1 scalar MLP, accuracy {moons_accuracy:.2f}"))
"""),
]

PERCEPTRONS = [
    md("""
# 02 · Perceptrons: what one layer can and cannot do

A single linear unit followed by a sigmoid (logistic regression) draws one straight line.
AND and OR are separable by a line; XOR is not. One hidden layer fixes that.
"""),
    code("""
import numpy as np
import autograd
import nn
import nn.functional as F
from nn import optim, plots
from nn.datasets import and_gate, or_gate, xor
autograd.manual_seed(0)
"""),
    code("""
def train(model, X, y, steps=300, lr=0.1):
    opt = optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        loss = F.cross_entropy(model(X), y)
        loss.backward()
        opt.step()
    with autograd.no_grad():
        acc = (model(X).argmax(1) == y).float().mean().item()
    return loss.item(), acc

def predictor(model):
    def predict(points):
        with autograd.no_grad():
            return F.softmax(model(autograd.from_numpy(points)), dim=1).numpy()
    return predict
"""),
    md("## One linear layer on AND, OR and XOR (noisy copies of the truth tables)"),
    code("""
gen = autograd.Generator().manual_seed(1)
results = {}
for name, make in [("AND", and_gate), ("OR", or_gate), ("XOR", xor)]:
    X, y = make(200, noise=0.1, generator=gen)
    perceptron = nn.Linear(2, 2)           # 2 logits = softmax regression = one line
    loss, acc = train(perceptron, X, y)
    results[name] = acc
    print(f"{name}: accuracy {acc:.2f}  loss {loss:.3f}")
    plots.show(plots.plot_decision_boundary(predictor(perceptron), X.numpy(), y.numpy(),
                                            title=f"one linear layer on {name}"))
assert results["AND"] > 0.95 and results["OR"] > 0.95 and results["XOR"] < 0.9
"""),
    md("""
## A hidden layer solves XOR
Two inputs, 8 tanh units, 2 outputs: the hidden layer bends the plane so that one line
separates the classes there.
"""),
    code("""
X, y = xor(200, noise=0.1, generator=gen)
mlp = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 2))
loss, acc = train(mlp, X, y)
print(f"XOR with a hidden layer: accuracy {acc:.2f}")
plots.show(plots.plot_decision_boundary(predictor(mlp), X.numpy(), y.numpy(),
                                        title="2-8-2 MLP on XOR"))
assert acc > 0.95
"""),
]

SPIRALS = [
    md("""
# 03 · Spirals: a PyTorch training loop on glassgrad

Three interleaved spiral arms (CS231n). The loop below is PyTorch's, with `torch` replaced by
`autograd` and `torch.nn` by `nn`: `DataLoader`, `zero_grad`, `backward`, `step`.
"""),
    code("""
import numpy as np
import autograd
import nn
import nn.functional as F
from nn import optim, plots
from nn.data import DataLoader, TensorDataset
from nn.training import load_data, standardize
from threadpoolctl import threadpool_limits
threadpool_limits(1, "blas")   # one BLAS thread: quicker for small matrices (as the CLI does)
autograd.manual_seed(0)
data = load_data("spirals", val_fraction=0.0)
print(data.x_train.shape, "train points;", data.x_test.shape, "test points;", data.num_classes, "classes")
"""),
    code("""
def fit_model(model, epochs, lr=1e-2, opt=None):
    loader = DataLoader(TensorDataset(autograd.from_numpy(data.x_train),
                                      autograd.from_numpy(data.y_train)),
                        batch_size=64, shuffle=True)
    opt = opt or optim.Adam(model.parameters(), lr=lr)
    history = []
    for epoch in range(1, epochs + 1):
        model.train()
        total = 0.0
        for xb, yb in loader:
            opt.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(yb)
        model.eval()
        with autograd.no_grad():
            acc = (model(autograd.from_numpy(data.x_test)).argmax(1).numpy() == data.y_test).mean()
        history.append({"epoch": epoch, "train_loss": total / len(data.y_train), "val_acc": acc})
    return history

def boundary(model, title):
    def predict(raw):
        with autograd.no_grad():
            return model(autograd.from_numpy(standardize(raw, data.preprocessing))).numpy()
    return plots.plot_decision_boundary(predict, data.raw(data.x_test), data.y_test, title=title)
"""),
    md("## A linear model cannot follow the arms"),
    code("""
linear = nn.Linear(2, 3)
h = fit_model(linear, 20)
print(f"linear: test accuracy {h[-1]['val_acc']:.2f}")
plots.show(boundary(linear, "linear model"))
"""),
    md("""
## Two hidden layers can: the boundary as it trains
The same loop, stopped after 1, 5, 15 and 60 epochs in total: the regions first split the
plane in straight wedges, then curl to follow the arms.
"""),
    code("""
mlp = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 3))
opt = optim.Adam(mlp.parameters(), lr=1e-2)
h = []
for total in (1, 5, 15, 60):
    more = fit_model(mlp, total - len(h), opt=opt)
    h += [dict(r, epoch=len(h) + i + 1) for i, r in enumerate(more)]
    print(f"after {total:2d} epochs: test accuracy {h[-1]['val_acc']:.2f}")
    plots.show(boundary(mlp, f"2-64-64-3 MLP after {total} epochs"))
plots.show(plots.plot_loss(h, title="MLP training loss"))
assert h[0]["val_acc"] < 0.8 and h[-1]["val_acc"] > 0.9
"""),
]

DIGITS = [
    md("""
# 04 · Digits: the toolkit end to end

scikit-learn's 8x8 digits ship inside its wheel, so this runs offline. `nn.training.fit` is what
`glassgrad train` runs: it writes checkpoints (`best.safetensors`, `last.safetensors`, no
pickle), `metrics.csv` and pictures into a run folder.
"""),
    code("""
import tempfile
from pathlib import Path
import numpy as np
import autograd
from nn import plots
from nn.training import (fit, load_checkpoint, rebuild_model, data_for_config, load_data,
                         evaluate, confusion_matrix, first_weight_layer)
run = Path(tempfile.mkdtemp()) / "digits"
from threadpoolctl import threadpool_limits
threadpool_limits(1, "blas")   # one BLAS thread: quicker for small matrices (as the CLI does)
"""),
    md("## Train (10 epochs, a few seconds)"),
    code("""
summary = fit({"dataset": "digits", "hidden": [128, 64], "epochs": 10}, run, log=lambda s: None)
print(f"{summary['epochs']} epochs in {summary['seconds']:.1f}s, best epoch {summary['best_epoch']}, "
      f"test accuracy {summary['test_acc']:.3f}")
print(sorted(p.name for p in run.iterdir()))
assert summary["test_acc"] > 0.9
"""),
    md("## Curves, read back from the checkpoint"),
    code("""
ckpt = load_checkpoint(run / "best.safetensors")
plots.show(plots.plot_accuracy(ckpt["history"]))
"""),
    md("""
## Evaluate the best checkpoint
The checkpoint stores the architecture and the preprocessing, so the model is rebuilt from the
file alone.
"""),
    code("""
model = rebuild_model(ckpt)
data = data_for_config(ckpt["config"])
result = evaluate(model, data.x_test, data.y_test)
cm = confusion_matrix(data.y_test, result["pred"], 10)
print(f"test accuracy {result['acc']:.3f}")
plots.show(plots.plot_confusion_matrix(cm, data.classes))
"""),
    code("""
wrong = np.flatnonzero(result["pred"] != data.y_test)
plots.show(plots.plot_misclassified(data.raw(data.x_test[wrong]), data.y_test[wrong],
                                    result["pred"][wrong], data.classes, max_images=12))
"""),
    md("""
## What the first layer looks for
Each of the first layer's units weighs the 64 pixels; shown as 8x8 images (red positive).
"""),
    code("""
plots.show(plots.plot_weights(first_weight_layer(model).weight, (8, 8), max_images=32))
"""),
    md("""
## The same through the command line
`nn.cli.main` is the `glassgrad` command; here it predicts from a saved `.npy` image.
"""),
    code("""
from nn.cli import main
np.save(run / "digit.npy", data.raw(data.x_test[:1])[0, 0])
print("true label:", data.y_test[0])
main(["predict", str(run / "best.safetensors"), str(run / "digit.npy")])
"""),
    md("""
## MNIST: the 784-128-64-10 network of the classic exercise
The MNIST files are not in any pip package; this part runs where they are found (here the
MNIST *test* set in `shared/data/mnist`, split as `--dataset mnist-test-split`: its first
8,000 images to train, its last 2,000 to test). To stay quick it trains on 2,000 of them for
3 epochs; the full command, `glassgrad train --dataset mnist-test-split --epochs 20`, reaches
about 96% on the 2,000 held-out images.
"""),
    code("""
from nn.datasets import find_root
have_mnist = find_root("mnist", train=False) is not None
if have_mnist:
    mnist_run = run.parent / "mnist"
    mnist = fit({"dataset": "mnist-test-split", "hidden": [128, 64], "subset": 2000,
                 "epochs": 3, "batch_size": 64}, mnist_run, log=print, plots=False)
    mnist_ckpt = load_checkpoint(mnist_run / "best.safetensors")
    mnist_model = rebuild_model(mnist_ckpt)
    print(mnist_model)
    print(f"test accuracy on the last 2,000 MNIST test images: {mnist['test_acc']:.3f}")
    assert mnist["test_acc"] > 0.85
else:
    print("MNIST files not found (see nn.datasets.find_root); this part is skipped")
"""),
    code("""
if have_mnist:
    history = load_checkpoint(mnist_run / "last.safetensors")["history"]
    plots.show(plots.plot_loss(history, title="MNIST 784-128-64-10: loss"))
    plots.show(plots.plot_accuracy(history, title="MNIST 784-128-64-10: accuracy"))
    plots.show(plots.plot_weights(first_weight_layer(mnist_model).weight, (28, 28),
                                  max_images=32, title="first-layer weights, 28x28"))
    mnist_data = data_for_config(mnist_ckpt["config"])
    res = evaluate(mnist_model, mnist_data.x_test, mnist_data.y_test)
    wrong = np.flatnonzero(res["pred"] != mnist_data.y_test)
    plots.show(plots.plot_misclassified(mnist_data.raw(mnist_data.x_test[wrong]),
                                        mnist_data.y_test[wrong], res["pred"][wrong],
                                        mnist_data.classes, max_images=18))
"""),
    md("""
## Fashion-MNIST: an MLP and a small CNN
Found where Debian's `dataset-fashion-mnist` is installed (or downloaded with
`FashionMNIST(root, download=True)`). Quick versions here (a few thousand images, 2 epochs, scored on the
first 2,000 test images), in PyTorch's loop with the toolkit's `train_epoch`;
the full runs through the command line, `glassgrad train --dataset fashion-mnist --hidden
256,128 --dropout 0.2 --epochs 20 --scheduler cosine` and `glassgrad train --dataset
fashion-mnist --model cnn --epochs 8 --batch-size 64 --scheduler cosine`, reach about 90%
and 91% on the 10,000 test images.
"""),
    code("""
from nn import optim
from nn.data import DataLoader, TensorDataset
from nn.training import architecture, build_model, train_epoch
from nn.datasets import FashionMNIST
fashion_root = find_root("fashion-mnist")
have_fashion = fashion_root is not None
if have_fashion:
    train_set = FashionMNIST(fashion_root, train=True)     # uint8 (60000, 28, 28)
    test_set = FashionMNIST(fashion_root, train=False)

    def first(ds, n):   # the first n images as ToTensor(), Normalize((0.2860,), (0.3530,))
        x = ds.data.numpy()[:n, None].astype(np.float32) / 255.0
        return (x - 0.2860) / 0.3530, ds.targets.numpy()[:n]

    x_test, y_test = first(test_set, 2000)
    fashion, models = {}, {}
    for name, arch, n_train in [
            ("mlp", architecture("mlp", [256, 128], input_shape=(1, 28, 28)), 3000),
            ("cnn", architecture("cnn", [64], [8, 16], input_shape=(1, 28, 28)), 1500)]:
        autograd.manual_seed(0)
        model = build_model(arch)
        x, y = first(train_set, n_train)
        loader = DataLoader(TensorDataset(autograd.from_numpy(x), autograd.from_numpy(y)),
                            batch_size=64, shuffle=True)
        opt = optim.Adam(model.parameters(), lr=1e-3)
        for epoch in range(2):
            stats = train_epoch(model, loader, opt)
        fashion[name], models[name] = evaluate(model, x_test, y_test)["acc"], model
        print(f"Fashion-MNIST {name} ({n_train} images, 2 epochs): test accuracy "
              f"{fashion[name]:.3f}")
    assert fashion["mlp"] > 0.7 and fashion["cnn"] > 0.6
    print(models["cnn"])
    plots.show(plots.plot_weights(first_weight_layer(models["cnn"]).weight,
                                  title="CNN first-layer 3x3 filters"))
else:
    print("Fashion-MNIST files not found; this part is skipped")
"""),
]

ACTIVATIONS = [
    md("""
# 05 · Activations and initialisation

A deep stack of sigmoid layers passes back gradients that shrink layer by layer
(sigmoid' <= 1/4): the first layers barely learn. ReLU with He (Kaiming) initialisation keeps
the gradient norms of all layers alike. We look at two things: gradient norms per layer
during training, and the distribution of each layer's outputs.
"""),
    code("""
import numpy as np
import autograd
import nn
import nn.functional as F
from nn import optim, plots
from nn.data import DataLoader, TensorDataset
from nn.training import load_data, collect_activations, weight_layers
from threadpoolctl import threadpool_limits
threadpool_limits(1, "blas")   # one BLAS thread: quicker for small matrices (as the CLI does)
data = load_data("digits", val_fraction=0.0)
X, y = autograd.from_numpy(data.x_train), autograd.from_numpy(data.y_train)
"""),
    code("""
def deep_mlp(act, depth=6, width=64):
    layers, d = [nn.Flatten()], 64
    for _ in range(depth):
        layers += [nn.Linear(d, width), act()]
        d = width
    return nn.Sequential(*layers, nn.Linear(d, 10))

def batches(steps):
    # `steps` shuffled minibatches of (X, y), epoch after epoch
    loader = DataLoader(TensorDataset(X, y), batch_size=64, shuffle=True)
    while True:
        for batch in loader:
            if steps == 0:
                return
            steps -= 1
            yield batch

def grad_norms_while_training(model, steps=40, lr=0.05):
    opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    layers = weight_layers(model)
    norms = []
    for xb, yb in batches(steps):
        opt.zero_grad()
        F.cross_entropy(model(xb), yb).backward()
        norms.append([float(np.linalg.norm(m.weight.grad.numpy())) for _, m in layers])
        opt.step()
    return np.array(norms), [f"layer {i + 1}" for i in range(len(layers))]
"""),
    md("## Sigmoid, tanh and ReLU, 6 hidden layers, default initialisation"),
    code("""
from matplotlib.figure import Figure
fig = Figure(figsize=(14, 4), layout="constrained")
first_over_last = {}
for ax, act in zip(fig.subplots(1, 3, sharey=True), (nn.Sigmoid, nn.Tanh, nn.ReLU)):
    autograd.manual_seed(0)
    norms, names = grad_norms_while_training(deep_mlp(act))
    first_over_last[act.__name__] = norms[:, 0].mean() / norms[:, -1].mean()
    plots.plot_gradient_norms(norms, names, ax=ax, xlabel="step", title=act.__name__)
plots.show(fig)
for k, v in first_over_last.items():
    print(f"{k}: first-layer / last-layer gradient norm = {v:.2e}")
assert first_over_last["Sigmoid"] < first_over_last["ReLU"] / 10
assert first_over_last["Sigmoid"] < first_over_last["Tanh"]
"""),
    md("""
## He, Xavier or zeros: training a deep ReLU network
He (Kaiming) initialisation, std = sqrt(2 / fan_in), is made for ReLU: it keeps the variance
of the outputs from layer to layer. Xavier's std = sqrt(2 / (fan_in + fan_out)) is a little
smaller, so signals shrink on the way through 6 ReLU layers and training starts slower. All
zeros is the classic mistake: every unit of a layer computes the same thing and gets the same
gradient (here no gradient at all reaches the hidden layers), so the network never leaves
predicting the class frequencies.
"""),
    code("""
def init_weights(model, how):
    for _, m in weight_layers(model):
        if how == "he":
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
        elif how == "xavier":
            nn.init.xavier_normal_(m.weight)
        else:
            nn.init.zeros_(m.weight)
        nn.init.zeros_(m.bias)
    return model

def train_losses(model, steps=60, lr=0.02):
    opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    losses = []
    for xb, yb in batches(steps):
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses

final = {}
fig = Figure(figsize=(6, 4), layout="constrained")
ax = fig.add_subplot()
for how in ("he", "xavier", "zeros"):
    autograd.manual_seed(0)
    losses = train_losses(init_weights(deep_mlp(nn.ReLU), how))
    final[how] = float(np.mean(losses[-10:]))
    ax.plot(losses, label=f"{how}: last loss {final[how]:.2f}")
ax.axhline(np.log(10), color="grey", ls=":", label="ln 10 (guessing)")
ax.set_xlabel("step"); ax.set_ylabel("cross-entropy loss"); ax.legend()
ax.set_title("6 ReLU layers: initialisation")
plots.show(fig)
print({k: round(v, 3) for k, v in final.items()})
assert final["he"] < final["zeros"] - 1.0 and final["zeros"] > 2.0
"""),
    md("""
## Outputs per layer at initialisation
With weights drawn too large (N(0, 1)), tanh units saturate at +-1, where their derivative
is 0. Xavier initialisation (std = sqrt(2 / (fan_in + fan_out))) keeps them in the linear range.
"""),
    code("""
def initialise(model, how):
    for _, m in weight_layers(model):
        if how == "normal(0, 1)":
            nn.init.normal_(m.weight, 0.0, 1.0)
        else:
            nn.init.xavier_normal_(m.weight)
        nn.init.zeros_(m.bias)
    return model

saturated = {}
for how in ("normal(0, 1)", "xavier"):
    autograd.manual_seed(0)
    model = initialise(deep_mlp(nn.Tanh, depth=4), how)
    acts = collect_activations(model, data.x_train[:256])
    saturated[how] = np.mean([np.mean(np.abs(a) > 0.99) for a in acts.values()])
    plots.show(plots.plot_activation_histograms(acts, title=f"tanh outputs, {how} init"))
    print(f"{how}: {100 * saturated[how]:.0f}% of tanh outputs beyond +-0.99")
assert saturated["normal(0, 1)"] > 5 * saturated["xavier"]
"""),
]

NOTEBOOKS = {"01_scalar_engine.ipynb": SCALAR, "02_perceptrons.ipynb": PERCEPTRONS,
             "03_spirals.ipynb": SPIRALS, "04_digits.ipynb": DIGITS,
             "05_activations_init.ipynb": ACTIVATIONS}


def main():
    for name, cells in NOTEBOOKS.items():
        nb = new_notebook(cells=cells)
        for i, cell in enumerate(nb.cells):   # stable ids: re-running changes no line
            cell["id"] = f"{name[:2]}-{i:02d}"
        nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python",
                                     "name": "python3"}
        nb.metadata["language_info"] = {"name": "python"}
        nbformat.validate(nb)
        nbformat.write(nb, HERE / name)
        print("wrote", HERE / name)


if __name__ == "__main__":
    main()
