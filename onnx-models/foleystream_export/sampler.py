"""The reference Euler sampler with classifier-free guidance (model-facts.md section 7).

The Java sampler is tested against this: the same float32 time grid ``linspace(0, 1, steps + 1)``,
the network evaluated at ``t_0 .. t_{steps-1}`` only, ``x <- x + (t_{k+1} - t_k) v`` with the step
formed in float32 from the two grid values, and ``v = cfg * v_cond + (1 - cfg) * v_uncond``. The
conditional and unconditional rows go through the network as one batch of 2B, conditional rows
first, as the velocity graph is called; cfg < 1 evaluates the conditional rows only.
"""

from typing import List, NamedTuple

import torch

from . import tables
from .nn.mmaudio import Conditions


class SampleResult(NamedTuple):
    x1: torch.Tensor  # final normalised latent [B, L, C_lat]
    states: List[torch.Tensor]  # x_0 .. x_steps
    velocities: List[torch.Tensor]  # the guided velocity of each step


def guided_velocity(network, x, t: torch.Tensor, cond: Conditions, uncond: Conditions, cfg_strength: float):
    """One guided velocity evaluation at times ``t [B]``."""
    if cfg_strength < 1.0:
        return network.predict_flow(x, t, cond)
    batch = x.shape[0]
    both = Conditions(*(torch.cat([c, u]) for c, u in zip(cond, uncond)))
    flow = network.predict_flow(torch.cat([x, x]), torch.cat([t, t]), both)
    return cfg_strength * flow[:batch] + (1 - cfg_strength) * flow[batch:]


@torch.no_grad()
def euler_sample(network, x0, cond: Conditions, uncond: Conditions, steps: int = 25,
                 cfg_strength: float = 4.5) -> SampleResult:
    """Integrates from noise ``x0`` (t = 0) to data (t = 1)."""
    grid = tables.euler_time_grid(steps)
    x, states, velocities = x0, [x0], []
    for k in range(steps):
        t = grid[k].expand(x.shape[0])
        v = guided_velocity(network, x, t, cond, uncond, cfg_strength)
        x = x + (grid[k + 1] - grid[k]) * v
        states.append(x)
        velocities.append(v)
    return SampleResult(x, states, velocities)
