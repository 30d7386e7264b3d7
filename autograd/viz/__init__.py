"""Seeing the computation graph: `autograd.viz`.

    import autograd.viz as viz
    viz.draw(loss)                          # backward graph, as torchviz (a graphviz.Digraph)
    viz.draw(loss, params=model, grad_flow=True)  # shaded by gradient norm (a recording
                                            # backward; nothing written to .grad)
    viz.draw(model, autograd.randn(1, 784)) # module-level graph, shapes on the edges
    viz.to_dot(s)                           # DOT text of a Scalar expression (micrograd-style)
    viz.render(loss, "graph.svg")           # a picture, with Graphviz's dot or graphviz-pure

    with viz.trace_modules(model):          # tag nodes with the module that made them
        loss = criterion(model(x), y)
    with viz.capture_grads(loss) as grads:  # record the gradient reaching every node
        loss.backward()
    viz.draw(loss, params=model, grads=grads, grad_flow=True)

Layout of the package: `graph` walks a graph into a neutral node/edge model, `collapse`
folds big graphs, `dot` turns the model into Graphviz, `render` finds a renderer,
`trace` records modules and gradients, `module_graph` draws models module by module, and
`python -m autograd.viz` is the command line.
"""
from .api import VIEWS, build, draw, render, to_dot
from .renderer import RendererNotFoundError, find_renderer
from .trace import capture_grads, trace_modules

__all__ = ["draw", "to_dot", "render", "build", "trace_modules", "capture_grads",
           "find_renderer", "RendererNotFoundError", "VIEWS"]
