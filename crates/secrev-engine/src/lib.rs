//! The scan driver: finds the files to scan, loads configuration, runs the front-end and the
//! rules on every file in parallel, applies suppressions and filters, and returns findings and
//! per-file diagnostics in a deterministic order. Per-file problems never stop the scan.

mod config;
mod discover;
mod scan;
mod snapshot;
mod suppress;
mod taint;

pub use config::{ConfigError, FileConfig, Settings};
pub use discover::{
    c_family, discover, display, has_cpp_sources, is_python, is_source, Discovered,
};
pub use scan::{scan, scan_request, ScanOutcome, ScanRequest};
pub use snapshot::{Disk, DiskAt, Snapshot};
pub use suppress::suppresses;
