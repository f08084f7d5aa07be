#!/usr/bin/env bash
# Local stand-ins for the official base images, for machines that cannot pull from a registry
# (this project's CI). A clinic pulls the real ones and never runs this.
#
#   deploy/base_images.sh debian   localhost/debian:bookworm-slim        Debian bookworm (debootstrap, minbase)
#   deploy/base_images.sh python   docker.io/library/python:3.10-slim-bookworm   the same plus this machine's
#                                  CPython 3.10 in /usr/local, as in the official image, and tagged with the
#                                  official name so deploy/Containerfile builds on it unchanged
#
# Each image is built only when podman does not have it (`make test-image` asks for them; `make image`
# does not, so elsewhere it pulls the real python image). Both carry the label
# org.opencontainers.image.description="local stand-in ..." (`podman image inspect` shows it).
# This machine's CPython 3.10 was built for Debian bookworm, which itself has no Python 3.10.
set -euo pipefail

DEBIAN_IMAGE=localhost/debian:bookworm-slim
PYTHON_IMAGE=docker.io/library/python:3.10-slim-bookworm
PODMAN=${PODMAN:-podman}
WORK=${BASE_IMAGES_DIR:-build/base-images}

# the machine's own Debian mirror (no other address is reachable here)
mirror() {
	sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1 | grep . \
		|| echo http://deb.debian.org/debian
}

python310() {
	for candidate in python3.10 "$HOME"/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10; do
		if "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; then
			"$candidate" -c 'import sys; print(sys.base_prefix)'
			return
		fi
	done
	echo "Python 3.10 not found on this machine" >&2
	exit 1
}

have() { $PODMAN image exists "$1"; }

# what the official python:3.10-slim-bookworm keeps: the libraries the standard library's C modules
# load, certificates, time zones and /etc/services
PYTHON_RUNTIME=ca-certificates,netbase,tzdata,libssl3,libffi8,libsqlite3-0,libbz2-1.0,liblzma5,zlib1g,libexpat1,libreadline8,libncursesw6,libgdbm6,libuuid1,libtirpc3

rootfs() {  # rootfs [PACKAGES]: a fresh minbase bookworm in $WORK/rootfs, apt's caches emptied
	rm -rf "$WORK/rootfs" && mkdir -p "$WORK"
	debootstrap --variant=minbase ${1:+--include="$1"} bookworm "$WORK/rootfs" "$(mirror)" >"$WORK/debootstrap.log" \
		|| { tail -n 20 "$WORK/debootstrap.log" >&2; exit 1; }
	rm -rf "$WORK"/rootfs/var/cache/apt/archives/*.deb "$WORK"/rootfs/var/lib/apt/lists/*
}

import() {  # import ROOTFS IMAGE [--change ...]
	local dir=$1 image=$2
	shift 2
	tar -C "$dir" -c . | $PODMAN import --quiet "$@" \
		--change "LABEL org.opencontainers.image.description=\"local stand-in for $image, built by deploy/base_images.sh\"" \
		- "$image" >/dev/null
	echo "built $image"
}

debian() {
	have "$DEBIAN_IMAGE" && { echo "$DEBIAN_IMAGE: present"; return; }
	rootfs
	import "$WORK/rootfs" "$DEBIAN_IMAGE" --change 'CMD ["bash"]'
	rm -rf "$WORK/rootfs"
}

python() {
	have "$PYTHON_IMAGE" && { echo "$PYTHON_IMAGE: present"; return; }
	local prefix
	prefix=$(python310)
	rootfs "$PYTHON_RUNTIME"
	# the interpreter, its standard library (without its own test suite) and headers, as /usr/local
	tar -C "$prefix" --exclude='lib/python3.10/test' --exclude='__pycache__' -c bin include lib share \
		| tar -C "$WORK/rootfs/usr/local" -x
	chroot "$WORK/rootfs" ldconfig /usr/local/lib
	import "$WORK/rootfs" "$PYTHON_IMAGE" \
		--change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' \
		--change 'ENV LANG=C.UTF-8' --change 'CMD ["python3"]'
	rm -rf "$WORK/rootfs"
}

case "${1:-}" in
	debian) debian ;;
	python) python ;;
	*) echo "usage: $0 debian|python" >&2; exit 2 ;;
esac
