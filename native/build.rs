// The link arguments of a Python extension module for the target (on macOS symbols resolve against the
// interpreter at load time: -undefined dynamic_lookup); nothing on Linux.
fn main() {
    pyo3_build_config::add_extension_module_link_args();
}
