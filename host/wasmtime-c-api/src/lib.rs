// Re-export every `extern "C"` symbol of wasmtime's C API so that they land in
// this crate's static library.
pub use wasmtime_c_api::*;
