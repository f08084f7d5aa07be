"""What the image (deploy/Containerfile) runs: one command per server, configured by the environment only."""
