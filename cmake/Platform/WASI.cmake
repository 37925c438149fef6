# CMake has no built-in WASI platform; this tells it what the guest toolchain
# (cmake/wasm32-wasi.toolchain.cmake) produces: static libraries and .wasm
# modules, no shared libraries.
set(CMAKE_EXECUTABLE_SUFFIX ".wasm")
set(CMAKE_STATIC_LIBRARY_PREFIX "lib")
set(CMAKE_STATIC_LIBRARY_SUFFIX ".a")
set_property(GLOBAL PROPERTY TARGET_SUPPORTS_SHARED_LIBS FALSE)
