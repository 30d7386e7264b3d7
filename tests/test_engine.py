"""The engine's rules: backward, accumulation, retain_graph, autograd.grad, grad modes, hooks,
custom Functions, in-place safety, anomaly detection, deep graphs."""
import gc
import threading

import numpy as np
import pytest

import autograd as A


def leaf(*shape, dtype=A.float64):
    return A.randn(*shape, dtype=dtype, requires_grad=True)


def test_backward_accumulates_into_leaves():
    x = leaf(3)
    (x * 2).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full(3, 5.0))


def test_nonleaf_used_twice_gets_full_gradient():
    x = leaf(4)
    y = x.exp()
    z = (y * y + y).sum()
    z.backward()
    e = np.exp(x.data)
    np.testing.assert_allclose(x.grad.numpy(), 2 * e * e + e)


def test_diamond_graph_runs_each_node_once():
    calls = []

    class Count(A.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            calls.append(1)
            return g

    x = leaf(2)
    y = Count.apply(x)
    (y * 2 + y * 3).sum().backward()
    assert len(calls) == 1
    np.testing.assert_allclose(x.grad.numpy(), [5.0, 5.0])


def test_hundred_thousand_op_chain_backpropagates():
    x = A.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert x.grad.item() == 1.0


def test_second_backward_through_freed_graph_names_retain_graph():
    x = leaf(3)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_retain_graph_allows_second_backward():
    x = leaf(3)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 4 * x.data)


def test_saved_arrays_are_freed_after_backward():
    import weakref
    x = leaf(1000)
    loss = x.exp().sum()  # exp's output array is held only by exp's node
    exp_node = loss.grad_fn.next_functions[0][0]
    ref = weakref.ref(exp_node.saved_tensors[0])
    loss.backward()
    assert ref() is None


def test_nonscalar_backward_requires_gradient():
    x = leaf(3)
    with pytest.raises(RuntimeError, match="implicitly created only for scalar outputs"):
        (x * 2).backward()
    (x * 2).backward(A.ones(3, dtype=A.float64))
    np.testing.assert_allclose(x.grad.numpy(), [2, 2, 2])


@pytest.mark.parametrize("make, why", [
    (lambda: A.tensor([1.0, 2.0]).sum(), "does not require grad"),
    (lambda: A.tensor([1, 2]).sum(), "int64"),
])
def test_backward_without_graph_explains(make, why):
    with pytest.raises(RuntimeError, match=why):
        make().backward()


def test_backward_after_no_grad_explains():
    x = leaf(2)
    with A.no_grad():
        y = (x * 2).sum()
    with pytest.raises(RuntimeError, match="no_grad"):
        y.backward()


def test_integer_tensor_cannot_require_grad():
    with pytest.raises(RuntimeError, match="floating point"):
        A.tensor([1, 2, 3], requires_grad=True)


def test_grad_returns_without_touching_dot_grad():
    x = leaf(3)
    y = (x ** 3).sum()
    g, = A.grad(y, x)
    np.testing.assert_allclose(g.numpy(), 3 * x.data ** 2)
    assert x.grad is None


def test_grad_higher_order_and_hessian_vector_product():
    x = leaf(3)
    y = (x ** 3).sum()
    g, = A.grad(y, x, create_graph=True)
    assert g.requires_grad
    v = A.tensor([1.0, 0.0, 2.0], dtype=A.float64)
    hv, = A.grad(g, x, grad_outputs=v)
    np.testing.assert_allclose(hv.numpy(), 6 * x.data * v.data)
    third, = A.grad(A.grad((x ** 4).sum(), x, create_graph=True)[0].sum(), x,
                    create_graph=True)
    fourth, = A.grad(third.sum(), x)
    np.testing.assert_allclose(fourth.numpy(), 24 * x.data)


def test_gradient_penalty_style_double_backward():
    torch = pytest.importorskip("torch")
    w0 = np.random.default_rng(0).standard_normal((3, 2))
    x0 = np.random.default_rng(1).standard_normal((4, 3))
    w, x = A.tensor(w0, requires_grad=True), A.tensor(x0, requires_grad=True)
    gx, = A.grad((x @ w).tanh().sum(), x, create_graph=True)
    (gx ** 2).sum().backward()
    tw, tx = torch.tensor(w0, requires_grad=True), torch.tensor(x0, requires_grad=True)
    tgx, = torch.autograd.grad((tx @ tw).tanh().sum(), tx, create_graph=True)
    (tgx ** 2).sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_grad_unused_input():
    x, z = leaf(2), leaf(2)
    y = (x * 2).sum()
    with pytest.raises(RuntimeError, match="allow_unused"):
        A.grad(y, [x, z], retain_graph=True)
    gx, gz = A.grad(y, [x, z], allow_unused=True)
    assert gz is None
    np.testing.assert_allclose(gx.numpy(), [2, 2])


def test_grad_modes_context_and_decorator():
    x = leaf(2)
    with A.no_grad():
        assert not (x * 2).requires_grad
        with A.enable_grad():
            assert (x * 2).requires_grad

    @A.no_grad()
    def f():
        return x * 2
    assert not f().requires_grad
    with A.set_grad_enabled(False):
        assert not A.is_grad_enabled()
    assert A.is_grad_enabled()
    with A.inference_mode():
        assert not (x * 2).requires_grad
    A.set_grad_enabled(False)
    assert not A.is_grad_enabled()
    A.set_grad_enabled(True)


def test_grad_mode_is_thread_local():
    seen = []

    def worker():
        seen.append(A.is_grad_enabled())
    with A.no_grad():
        t = threading.Thread(target=worker)
        t.start()
        t.join()
    assert seen == [True]


def test_tensor_hook_changes_gradient_and_handle_removes():
    x = leaf(3)
    y = x * 2
    handle = y.register_hook(lambda g: g * 10)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [20, 20, 20])
    handle.remove()
    x.grad = None
    y = x * 2
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2, 2, 2])


def test_leaf_hook_sees_summed_gradient():
    x = leaf(2)
    seen = []
    x.register_hook(lambda g: seen.append(g.numpy().copy()))
    (x * 2 + x * 3).sum().backward()
    assert len(seen) == 1
    np.testing.assert_allclose(seen[0], [5, 5])


def test_retain_grad_on_nonleaf():
    x = leaf(3)
    y = x * 2
    y.retain_grad()
    z = y * y
    assert z.grad is None
    z.sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), 2 * y.data)
    assert y.retains_grad


def test_custom_function_with_ctx():
    class Cube(A.Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.save_for_backward(x)
            ctx.k = k
            return x ** 3 * k

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            assert ctx.needs_input_grad == (True, False)
            return g * 3 * x ** 2 * ctx.k, None

    x = leaf(3)
    y = Cube.apply(x, 2.0)
    assert type(y.grad_fn).__name__ == "CubeBackward"
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 6 * x.data ** 2)
    assert A.gradcheck(lambda t: Cube.apply(t, 2.0), (leaf(4),))
    assert A.gradgradcheck(lambda t: Cube.apply(t, 2.0), (leaf(4),))


def test_custom_function_multiple_outputs():
    class SplitTwo(A.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, ga, gb):
            return ga * 2 + gb * 3

    x = leaf(3)
    a, b = SplitTwo.apply(x)
    (a.sum() + b.sum() * 10).backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full(3, 32.0))


def test_grad_fn_names_and_next_functions():
    x = leaf(2)
    y = x * 2
    assert type(y.grad_fn).__name__ == "MulBackward0"
    (acc, nr), = [e for e in y.grad_fn.next_functions if e[0] is not None]
    assert type(acc).__name__ == "AccumulateGrad" and acc.variable is x and nr == 0
    assert type((x + 1).grad_fn).__name__ == "AddBackward0"
    assert type(x.sum().grad_fn).__name__ == "SumBackward0"


def test_inplace_on_leaf_requiring_grad_raises_at_once():
    x = leaf(3)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        x.add_(1)
    with A.no_grad():
        x.add_(1)  # allowed, as optimizers do


def test_inplace_change_of_saved_tensor_raises_at_backward():
    x = leaf(3)
    y = x * 1
    z = y.exp()     # saves its output
    z.mul_(2)       # changes what backward needs
    with pytest.raises(RuntimeError, match=r"modified by an inplace operation.*\(3,\).*ExpBackward0"):
        z.sum().backward()


def test_inplace_history_rebase_gives_right_gradient():
    x = leaf(3)
    y = x * 2
    y.mul_(x)        # y = 2x * x
    y += 1
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 4 * x.data)


def test_version_counter_shared_with_views():
    x = A.zeros(4)
    v = x[1:3]
    v.add_(1)
    assert x._version == v._version == 1
    np.testing.assert_allclose(x.numpy(), [0, 1, 1, 0])


def test_setitem_with_grad():
    x = leaf(4)
    y = x * 1
    v = leaf(2)
    y[1:3] = v * 3
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1, 0, 0, 1])
    np.testing.assert_allclose(v.grad.numpy(), [3, 3])


def test_detect_anomaly_forward_names_op_and_line():
    x = A.tensor([-1.0, 1.0], requires_grad=True)
    with A.detect_anomaly():
        with pytest.raises(RuntimeError, match=r"forward.*'Log'.*test_engine.py"):
            x.log()


def test_detect_anomaly_backward():
    class BadGrad(A.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return g * float("nan")

    x = A.tensor([1.0], requires_grad=True)
    with A.detect_anomaly():
        y = BadGrad.apply(x).sum()
        with pytest.raises(RuntimeError, match="backward pass.*BadGradBackward"):
            y.backward()


def test_memory_returns_after_backward():
    import tracemalloc
    x = A.randn(200, 200, requires_grad=True)
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    for _ in range(3):
        y = x
        for _ in range(20):
            y = (y * 1.01).tanh()
        y.sum().backward()
        del y
    x.grad = None
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert after - base < 50_000  # a few small objects at most, no arrays kept


def test_no_reference_cycles_in_graph():
    gc.collect()
    gc.disable()
    try:
        before = len(gc.get_objects())
        x = A.randn(3, requires_grad=True)
        y = x
        for _ in range(100):
            y = y.sin() * 2
        y.sum().backward()
        del y
        n = gc.collect()
    finally:
        gc.enable()
    assert n == 0, f"the graph left {n} objects for the cycle collector"
    assert before > 0


def test_backward_inputs_argument():
    x, z = leaf(2), leaf(2)
    (x * z).sum().backward(inputs=[x])
    assert z.grad is None
    np.testing.assert_allclose(x.grad.numpy(), z.data)


# ------------------------------------------------------------------ node (grad_fn) hooks
def _node_hook_run(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    w = lib.tensor([3.0, 4.0], requires_grad=True)
    y = (x * w).sum()
    mul = y.grad_fn.next_functions[0][0]
    calls = []

    def post(grad_inputs, grad_outputs):
        calls.append(("post", [None if g is None else g.tolist() for g in grad_inputs],
                      [g.tolist() for g in grad_outputs]))
        return (grad_inputs[0] * 10, grad_inputs[1])
    mul.register_prehook(lambda grad_outputs: calls.append(("pre", grad_outputs[0].tolist())))
    mul.register_hook(post)
    acc = mul.next_functions[0][0]
    acc.register_hook(lambda gi, go: calls.append(("acc", list(gi), [g.tolist() for g in go])))
    y.backward()
    return calls, x.grad.tolist(), w.grad.tolist()


def test_node_register_hook_runs_after_the_node_and_can_replace_grad_inputs_as_torch():
    import torch
    assert _node_hook_run(A) == _node_hook_run(torch)


def test_node_hook_returning_the_wrong_number_of_gradients_is_refused():
    x = A.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2.0).sum()
    y.grad_fn.next_functions[0][0].register_hook(lambda gi, go: (gi[0], gi[0], gi[0]))
    with pytest.raises(RuntimeError, match="returned 3 gradients.*2 inputs"):
        y.backward()


def test_node_hook_handle_removes_it():
    x = A.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2.0).sum()
    handle = y.grad_fn.next_functions[0][0].register_hook(lambda gi, go: (gi[0] * 0, None))
    handle.remove()
    y.backward()
    assert x.grad.tolist() == [2.0, 2.0]
