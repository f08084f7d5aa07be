"""`python -m webpage --port 8000 --dir web`: serve the demo page (webpage/server.py), on 127.0.0.1 by default."""
import argparse
import sys
from pathlib import Path
from typing import List, Optional

from webpage.server import make_server


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m webpage", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--dir", type=Path, default=Path("web"), help="the directory to serve (web)")
    parser.add_argument("--host", default="127.0.0.1", help="the address to listen on (127.0.0.1: this machine only)")
    parser.add_argument("--log", action="store_true", help="log each request to stderr")
    args = parser.parse_args(argv)
    if not args.dir.is_dir():
        parser.error(f"{args.dir} is not a directory")
    server = make_server(args.dir, args.port, args.host, quiet=not args.log)
    print(f"Serving {args.dir} on http://{args.host}:{server.server_address[1]}/", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
