#!/bin/sh
# Installs a prebuilt lambda-trust from the project's GitHub releases: picks the archive for
# this OS and CPU (uname -s, uname -m), verifies it against the release's SHA256SUMS, installs
# the binary. POSIX sh; needs curl, tar (unzip on Windows) and sha256sum or shasum.
#
#   LAMBDA_TRUST_REPO=OWNER/NAME sh install.sh [--version 0.1.0] [--to DIR]
#   sh install.sh --repo OWNER/NAME [--version 0.1.0] [--to DIR]
#
#   --repo R      the GitHub repository whose releases to install (or LAMBDA_TRUST_REPO); there
#                 is no default: lambda-trust has no public home yet
#   --version V   the release to install (default: the latest release; required with a mirror)
#   --to DIR      where to put the binary (default: ~/.local/bin)
#
# LAMBDA_TRUST_DOWNLOAD_URL replaces https://github.com/REPO/releases/download (a mirror; the
# tests serve archives from a local server). Exit: 0 installed; 1 error (nothing installed);
# 4 no such release or no archive for this platform (the GitHub Action then builds from source).
set -eu

# The one setting that names the repository (the GitHub Action passes its own); no default.
REPO=${LAMBDA_TRUST_REPO:-}

to="$HOME/.local/bin"
version=${LAMBDA_TRUST_VERSION:-}
while [ $# -gt 0 ]; do
    case "$1" in
    --to) [ $# -ge 2 ] || { echo "install.sh: --to needs a directory" >&2; exit 1; }; to=$2; shift 2 ;;
    --repo) [ $# -ge 2 ] || { echo "install.sh: --repo needs OWNER/NAME" >&2; exit 1; }; REPO=$2; shift 2 ;;
    --version) [ $# -ge 2 ] || { echo "install.sh: --version needs a version" >&2; exit 1; }; version=${2#v}; shift 2 ;;
    -h | --help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown argument $1 (see --help)" >&2; exit 1 ;;
    esac
done

say() { echo "install.sh: $*" >&2; }
die() { say "$*"; exit 1; }
command -v curl >/dev/null 2>&1 || die "curl is required"
if [ -z "$REPO" ] && [ -z "${LAMBDA_TRUST_DOWNLOAD_URL:-}" ]; then
    die "no repository to install from: pass --repo OWNER/NAME (or LAMBDA_TRUST_REPO=OWNER/NAME), or LAMBDA_TRUST_DOWNLOAD_URL for a mirror; without releases, build from a checkout: cargo install --locked --path ."
fi
# How to build instead, when there is nothing prebuilt for this machine.
if [ -n "$REPO" ]; then
    from_source="cargo install --locked --git https://github.com/$REPO"
else
    from_source="cargo install --locked --path . (in a checkout)"
fi

# The release target of this machine.
os=$(uname -s)
arch=$(uname -m)
case "$arch" in
x86_64 | amd64) arch=x86_64 ;;
aarch64 | arm64) arch=aarch64 ;;
*) say "no prebuilt lambda-trust for CPU $arch ($from_source)"; exit 4 ;;
esac
ext=tar.gz
exe=lambda-trust
case "$os" in
Linux) target="$arch-unknown-linux-musl" ;;
Darwin) target="$arch-apple-darwin" ;;
MINGW* | MSYS* | CYGWIN* | Windows_NT) target="$arch-pc-windows-msvc"; ext=zip; exe=lambda-trust.exe ;;
*) say "no prebuilt lambda-trust for $os ($from_source)"; exit 4 ;;
esac

base=${LAMBDA_TRUST_DOWNLOAD_URL:-https://github.com/$REPO/releases/download}
if [ -z "$version" ] && [ -n "${LAMBDA_TRUST_DOWNLOAD_URL:-}" ]; then
    # Only github.com answers "latest"; a mirror is asked for the release it is told.
    die "LAMBDA_TRUST_DOWNLOAD_URL is set (a mirror): pass --version X.Y.Z (or LAMBDA_TRUST_VERSION); the latest release is looked up on github.com only"
fi
if [ -z "$version" ]; then
    # /releases/latest redirects to /releases/tag/vX.Y.Z.
    latest=$(curl -fsSLI -o /dev/null -w '%{url_effective}' "https://github.com/$REPO/releases/latest") \
        || die "cannot find the latest release of $REPO (pass --version)"
    version=${latest##*/v}
    case "$version" in [0-9]*) ;; *) die "cannot find the latest release of $REPO (pass --version)" ;; esac
fi
archive="lambda-trust-$version-$target.$ext"
url="$base/v$version"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lambda-trust-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# fetch URL FILE: 0 fetched, 4 not found (404), 1 any other failure.
fetch() {
    code=$(curl -sSL --retry 3 -o "$2" -w '%{http_code}' "$1") || { say "download failed: $1"; return 1; }
    case "$code" in
    200) return 0 ;;
    404) return 4 ;;
    *) say "download failed: $1 (HTTP $code)"; return 1 ;;
    esac
}

rc=0
fetch "$url/SHA256SUMS" "$tmp/SHA256SUMS" || rc=$?
[ "$rc" = 4 ] && { say "no release v$version at $url"; exit 4; }
[ "$rc" = 0 ] || exit 1
rc=0
fetch "$url/$archive" "$tmp/$archive" || rc=$?
[ "$rc" = 4 ] && { say "release v$version has no $archive"; exit 4; }
[ "$rc" = 0 ] || exit 1

# The archive's line in SHA256SUMS ("HASH  NAME"), and the hash of what was downloaded.
want=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1; exit }' "$tmp/SHA256SUMS")
[ -n "$want" ] || die "SHA256SUMS of v$version has no line for $archive: not installing"
if command -v sha256sum >/dev/null 2>&1; then
    got=$(sha256sum "$tmp/$archive" | awk '{print $1}')
else
    got=$(shasum -a 256 "$tmp/$archive" | awk '{print $1}')
fi
[ "$got" = "$want" ] || die "checksum mismatch for $archive (SHA256SUMS: $want, downloaded: $got): not installing"

mkdir "$tmp/x"
if [ "$ext" = zip ]; then
    unzip -q "$tmp/$archive" -d "$tmp/x" || die "cannot unpack $archive"
else
    tar -xzf "$tmp/$archive" -C "$tmp/x" || die "cannot unpack $archive"
fi
bin="$tmp/x/lambda-trust-$version-$target/$exe"
[ -f "$bin" ] || die "$archive holds no $exe"
mkdir -p "$to" || die "cannot create $to"
# Copy then rename: a running lambda-trust is never overwritten in place.
if ! { cp "$bin" "$to/.$exe.new" && chmod 755 "$to/.$exe.new" && mv -f "$to/.$exe.new" "$to/$exe"; }; then
    die "cannot write $to/$exe"
fi
say "installed lambda-trust $version ($target) to $to/$exe"
case ":$PATH:" in *":$to:"*) ;; *) say "$to is not on your PATH" ;; esac
say "completions and man pages: lambda-trust completions --help, lambda-trust man --help"
