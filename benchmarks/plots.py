"""Copy a plot `rasa test nlu` drew into docs/, shrunk so the repository stays small."""
from pathlib import Path

from PIL import Image

MAX_WIDTH = 1000


def shrink_into_docs(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(source) as image:
        image = image.convert("RGB")
        if image.width > MAX_WIDTH:
            image = image.resize((MAX_WIDTH, round(image.height * MAX_WIDTH / image.width)), Image.LANCZOS)
        image.quantize(colors=64).save(target, optimize=True)
    return target
