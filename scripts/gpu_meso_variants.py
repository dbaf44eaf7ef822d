"""Meso-4 bare training step on a GPU: which precision and memory layout is fastest (images/s)."""

import time

import torch
import torch.nn.functional as F

from deepfake_edu.registry import create_model

torch.backends.cudnn.benchmark = True
torch.backends.cuda.matmul.allow_tf32 = True
torch.backends.cudnn.allow_tf32 = True
batch, steps, warmup = 1024, 30, 5
for precision in ("bf16", "fp32"):
    for layout in ("nchw", "nhwc"):
        for compiled in (False, True) if (precision, layout) == ("bf16", "nhwc") else (False,):
            fmt = torch.channels_last if layout == "nhwc" else torch.contiguous_format
            model = create_model("meso4").cuda().to(memory_format=fmt).train()
            step_model = torch.compile(model) if compiled else model
            optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
            x = torch.rand(batch, 3, 256, 256, device="cuda").contiguous(memory_format=fmt)
            y = (torch.arange(batch, device="cuda") % 2).float()
            for i in range(warmup + steps):
                if i == warmup:
                    torch.cuda.synchronize()
                    start = time.perf_counter()
                with torch.autocast("cuda", dtype=torch.bfloat16, enabled=precision == "bf16"):
                    loss = F.binary_cross_entropy_with_logits(step_model(x).float(), y)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
            torch.cuda.synchronize()
            rate = steps * batch / (time.perf_counter() - start)
            print(f"{precision} {layout} {'compiled' if compiled else 'eager'}: {rate:,.0f} images/s", flush=True)
