#!/bin/bash
# Builds vendor/libheif-simd/libheif.mjs: libheif (HEVC decoding only, through libde265) compiled
# to WebAssembly with SIMD, as ONE single-file ES module with the same embind API as libheif-js'
# libheif-bundle.mjs (libheif's own libheif/heif_emscripten.h and post.js). See docs/heic.md.
#
# The upstream sources are used unmodified; only the build flags are ours. CI never runs this: the
# output is committed. Needs Debian's Emscripten (`apt-get install -y emscripten cmake git`; it was
# built with emcc 3.1.6) and the two sources at the pinned commits below, either cloned here (needs
# the network) or given as LIBHEIF_SRC / LIBDE265_SRC (plain checkouts of those commits).
#
#   scripts/build-libheif.sh [build-dir]      (default: /tmp/lumen-libheif-build)
set -euo pipefail

LIBHEIF_REPO=https://github.com/strukturag/libheif
LIBHEIF_COMMIT=2c4bbb54c2738d4a5efbbe3e5fa1d5d76bb88eb0 # tag v1.23.1
LIBDE265_REPO=https://github.com/strukturag/libde265
LIBDE265_COMMIT=4d45a6b36767318237771e1b3faf41773c4af4ad # v1.1.1 + 2 (de265.h visibility, README)
LIBDE265_VERSION=1.1.1
LIBDE265_NUMERIC_VERSION=0x01010100

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT_DIR=$ROOT/vendor/libheif-simd
B=${1:-/tmp/lumen-libheif-build}
JOBS=${JOBS:-$(nproc)}
export NODE_PATH=${NODE_PATH:-/usr/share/nodejs} # Debian's emcc finds its node modules there
mkdir -p "$B"

fetch_source() { # name repo commit [given dir]
  local dir=$B/src/$1
  if [ -n "${4:-}" ]; then
    dir=$4
  elif [ ! -d "$dir" ]; then
    git clone --quiet "$2" "$dir"
    git -C "$dir" checkout --quiet "$3"
  fi
  echo "$dir"
}
LIBHEIF_SRC=$(fetch_source libheif $LIBHEIF_REPO $LIBHEIF_COMMIT "${LIBHEIF_SRC:-}")
LIBDE265_SRC=$(fetch_source libde265 $LIBDE265_REPO $LIBDE265_COMMIT "${LIBDE265_SRC:-}")

# WebAssembly SIMD (Chrome 91, Firefox 89, Safari 16.4). libde265's SSE4.1 kernels (x86/sse*.cc)
# are compiled too: Emscripten turns the SSE intrinsics into WebAssembly SIMD. libheif-js builds
# libde265 with --disable-sse and no -msimd128.
SIMD_FLAGS="-msimd128"
OPT_FLAGS="-O3 -DNDEBUG"

# --- libde265: its decoder sources plus the SSE4.1 kernels, with HAVE_SSE4_1 in its config.h.
# (Its CMake only turns the SSE code on for an x86 target processor, which Emscripten is not.)
D=$B/libde265
rm -rf "$D" && mkdir -p "$D/gen/libde265" "$D/obj" "$D/include/libde265"
sed -e "s/@NUMERIC_VERSION@/$LIBDE265_NUMERIC_VERSION/" -e "s/@PACKAGE_VERSION@/$LIBDE265_VERSION/" \
  "$LIBDE265_SRC/libde265/de265-version.h.in" >"$D/gen/libde265/de265-version.h"
echo '#define HAVE_SSE4_1 1' >"$D/gen/config.h"
SRCS=$(cd "$LIBDE265_SRC" && ls libde265/*.cc | grep -v 'en265\.cc$')
SRCS="$SRCS $(cd "$LIBDE265_SRC" && ls libde265/x86/sse*.cc)"
DE265_FLAGS="-std=c++17 $OPT_FLAGS $SIMD_FLAGS -msse4.1 -DHAVE_CONFIG_H -DLIBDE265_EXPORTS"
DE265_FLAGS="$DE265_FLAGS -I$D/gen -I$D/gen/libde265 -I$LIBDE265_SRC -I$LIBDE265_SRC/libde265"
echo "$SRCS" | tr ' ' '\n' | grep . | xargs -P "$JOBS" -I{} sh -c \
  'em++ '"$DE265_FLAGS"' -c "'"$LIBDE265_SRC"'/{}" -o "'"$D"'/obj/$(echo {} | tr / _).o"'
emar rcs "$D/libde265.a" "$D"/obj/*.o
cp "$LIBDE265_SRC/libde265/de265.h" "$D/include/libde265/"
cp "$D/gen/libde265/de265-version.h" "$D/include/libde265/"

# --- libheif: HEVC decoding through the built-in libde265 plugin; every other codec off.
H=$B/libheif
rm -rf "$H" && mkdir -p "$H"
(cd "$H" && emcmake cmake "$LIBHEIF_SRC" \
  -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_FLAGS="$SIMD_FLAGS" -DCMAKE_CXX_FLAGS="$SIMD_FLAGS" \
  -DBUILD_SHARED_LIBS=OFF -DBUILD_TESTING=OFF -DBUILD_DOCUMENTATION=OFF \
  -DWITH_EXAMPLES=OFF -DWITH_GDK_PIXBUF=OFF -DWITH_FUZZERS=OFF \
  -DENABLE_PLUGIN_LOADING=OFF -DENABLE_MULTITHREADING_SUPPORT=OFF \
  -DENABLE_EXPERIMENTAL_FEATURES=OFF \
  -DWITH_LIBDE265=ON -DWITH_LIBDE265_PLUGIN=OFF \
  -DLIBDE265_INCLUDE_DIR="$D/include" -DLIBDE265_LIBRARY="$D/libde265.a" \
  -DWITH_X265=OFF -DWITH_AOM_DECODER=OFF -DWITH_AOM_ENCODER=OFF -DWITH_DAV1D=OFF \
  -DWITH_RAV1E=OFF -DWITH_SvtEnc=OFF -DWITH_KVAZAAR=OFF -DWITH_X264=OFF \
  -DWITH_OpenH264_DECODER=OFF -DWITH_FFMPEG_DECODER=OFF -DWITH_JPEG_DECODER=OFF \
  -DWITH_JPEG_ENCODER=OFF -DWITH_OpenJPEG_DECODER=OFF -DWITH_OpenJPEG_ENCODER=OFF \
  -DWITH_OPENJPH_ENCODER=OFF -DWITH_OPENJPH_DECODER=OFF -DWITH_UNCOMPRESSED_CODEC=OFF \
  -DWITH_VVDEC=OFF -DWITH_VVENC=OFF -DWITH_UVG266=OFF -DWITH_WEBCODECS=OFF \
  -DWITH_LIBSHARPYUV=OFF -DWITH_HEADER_COMPRESSION=OFF -DWITH_LIBPNG_INTERNAL=OFF \
  >"$H/cmake.log")
(cd "$H" && emmake make -j"$JOBS" heif >"$H/make.log")

# --- link: libheif's own embind bindings (compiled into libheif.a) and post.js, as upstream's
# build-emscripten.sh does, exporting the same C functions; then one ES module, wasm inlined.
# - WASM_ASYNC_COMPILATION=0 (as upstream's script): the inlined wasm is compiled from its base64
#   at once. Asynchronous compilation in emcc 3.1.6 first fetch()es the data: URL, which the
#   app's Content-Security-Policy (connect-src) refuses, and only then falls back.
# - ENVIRONMENT=web,worker: emcc 3.1.6's Node code in an ES module uses require and __dirname,
#   which ES modules lack; without it the module runs in Node as in a worker (the wasm is inline,
#   so nothing is read from disk), which is how the unit specs and benches load it.
EXPORTED=$(llvm-nm "$H/libheif/libheif.a" --format=just-symbols | grep '^heif_\|^de265_' |
  grep '[^:]$' | sort -u | sed 's/^/_/' | paste -sd ',' -)
mkdir -p "$OUT_DIR"
em++ -Wl,--whole-archive "$H/libheif/libheif.a" -Wl,--no-whole-archive "$D/libde265.a" \
  $OPT_FLAGS $SIMD_FLAGS -lembind --post-js "$LIBHEIF_SRC/post.js" \
  -sEXPORTED_FUNCTIONS="$EXPORTED,_free,_malloc,_memcpy" \
  -sMODULARIZE -sEXPORT_ES6 -sEXPORT_NAME=libheif -sSINGLE_FILE -sWASM_ASYNC_COMPILATION=0 \
  -sENVIRONMENT=web,worker -sALLOW_MEMORY_GROWTH -sDYNAMIC_EXECUTION=0 \
  -o "$B/libheif.mjs"

# No code built from strings (the app's CSP has no 'unsafe-eval').
if grep -qE 'eval\(|new Function' "$B/libheif.mjs"; then
  echo "libheif.mjs builds code from strings (eval / new Function): refusing it" >&2
  exit 1
fi
cp "$B/libheif.mjs" "$OUT_DIR/libheif.mjs"
cp "$LIBHEIF_SRC/COPYING" "$OUT_DIR/COPYING.libheif"
cp "$LIBDE265_SRC/COPYING" "$OUT_DIR/COPYING.libde265"
echo "emcc: $(emcc --version | head -1)"
ls -l "$OUT_DIR"
