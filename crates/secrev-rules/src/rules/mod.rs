//! Rule groups. Each group's `mod.rs` lists its rules; [`GROUPS`] lists the groups.

mod injection;

use crate::Rule;

/// Every group's rule list.
pub(crate) const GROUPS: &[&[&Rule]] = &[injection::RULES];
