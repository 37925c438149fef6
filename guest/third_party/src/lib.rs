// Empty: the crate exists for its dependencies' C sources (Cargo.toml).
