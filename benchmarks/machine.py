"""The machine a measurement ran on, and the run's date, as Markdown for the docs."""
import datetime
import os
import subprocess
from typing import List


def cpu_model() -> str:
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown"


def describe() -> List[str]:
    """Markdown lines: date, CPU, `nproc`, `free -h`, load at the start."""
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    free = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.rstrip()
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    return [
        f"- Date: {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"- CPU: {cpu_model()}; `nproc`: {nproc}; load average (1, 5, 15 min) when written: {load}"
        " (the machine is shared, so absolute timings are noisy: compare the ratios)",
        "- `free -h`:",
        "",
        "```",
        free,
        "```",
    ]


def section() -> List[str]:
    """The "Machine" section that ends each generated document."""
    return ["## Machine", "", *describe(), ""]
