"""Vision layers: Upsample (and UpsamplingNearest2d / UpsamplingBilinear2d), PixelShuffle,
PixelUnshuffle, Unfold, Fold, and the padding layers ZeroPad, ConstantPad, ReflectionPad,
ReplicationPad (1-D and 2-D) and CircularPad1d/2d, thin wrappers over `nn.functional.pad`
(that is, `autograd.pad`)."""
from .. import functional as F
from ..functional.conv import ntuple
from ..module import Module

__all__ = ["Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d", "PixelShuffle",
           "PixelUnshuffle", "Unfold", "Fold", "ZeroPad1d", "ZeroPad2d", "ConstantPad1d",
           "ConstantPad2d", "ReflectionPad1d", "ReflectionPad2d", "ReplicationPad1d",
           "ReplicationPad2d", "CircularPad1d", "CircularPad2d"]


class Upsample(Module):
    """Resize by `size` or `scale_factor` with mode 'nearest', 'linear', 'bilinear' or 'area'
    (see nn.functional.interpolate)."""

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None,
                 recompute_scale_factor=None):
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor = tuple(float(f) for f in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input):
        return F.interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                             recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self):
        if self.scale_factor is not None:
            info = f"scale_factor={self.scale_factor!r}"
        else:
            info = f"size={self.size!r}"
        return info + f", mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Upsample with mode='nearest'."""

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Upsample with mode='bilinear' and align_corners=True."""

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)


class PixelShuffle(Module):
    """(*, C*r^2, H, W) -> (*, C, H*r, W*r)."""

    def __init__(self, upscale_factor):
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input):
        return F.pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self):
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """(*, C, H*r, W*r) -> (*, C*r^2, H, W)."""

    def __init__(self, downscale_factor):
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input):
        return F.pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self):
        return f"downscale_factor={self.downscale_factor}"


class Unfold(Module):
    """Sliding blocks (im2col): (N, C, H, W) -> (N, C*kH*kW, L)."""

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.kernel_size, self.dilation = kernel_size, dilation
        self.padding, self.stride = padding, stride

    def forward(self, input):
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")


class Fold(Module):
    """Blocks back to an image (col2im, overlaps summed): (N, C*kH*kW, L) -> (N, C, H, W)."""

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.output_size, self.kernel_size = output_size, kernel_size
        self.dilation, self.padding, self.stride = dilation, padding, stride

    def forward(self, input):
        return F.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding,
                      self.stride)

    def extra_repr(self):
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, "
                f"dilation={self.dilation}, padding={self.padding}, stride={self.stride}")


class _Pad(Module):
    """Pads the last `_dims` dimensions by `padding` (an int for every side, or
    (left, right[, top, bottom])) in `_mode`."""
    _dims = 2
    _mode = "constant"

    def __init__(self, padding):
        super().__init__()
        self.padding = ntuple(padding, 2 * self._dims, "padding", type(self).__name__)

    def forward(self, input):
        if input.ndim not in (self._dims + 1, self._dims + 2):
            raise RuntimeError(f"{type(self).__name__}: expected a {self._dims + 1}-D "
                               f"(unbatched) or {self._dims + 2}-D (batched) input, got input "
                               f"of shape {tuple(input.shape)}")
        return F.pad(input, list(self.padding), self._mode, self._value())

    def _value(self):
        return None

    def extra_repr(self):
        return f"{self.padding}"


class ConstantPad2d(_Pad):
    """Pad H and W with a constant `value`: padding (left, right, top, bottom) or an int."""

    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def _value(self):
        return self.value

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(ConstantPad2d):
    """Pad the last dimension with a constant `value`: padding (left, right) or an int."""
    _dims = 1


class ZeroPad2d(ConstantPad2d):
    """Pad H and W with zeros."""

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad1d(ZeroPad2d):
    """Pad the last dimension with zeros."""
    _dims = 1


class ReflectionPad2d(_Pad):
    """Pad H and W with the reflection of the input (the edge is not repeated)."""
    _mode = "reflect"


class ReflectionPad1d(ReflectionPad2d):
    """Pad the last dimension with its reflection."""
    _dims = 1


class ReplicationPad2d(_Pad):
    """Pad H and W by repeating the edge values."""
    _mode = "replicate"


class ReplicationPad1d(ReplicationPad2d):
    """Pad the last dimension by repeating the edge values."""
    _dims = 1


class CircularPad2d(_Pad):
    """Pad H and W by wrapping around (periodic boundary)."""
    _mode = "circular"


class CircularPad1d(CircularPad2d):
    """Pad the last dimension by wrapping around."""
    _dims = 1
